"""``zbsync``: the command line. Thin: parse, load settings, hand over, map errors to exit codes."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .config import ConfigError, load_settings
from .logs import configure_logging

EXIT_CONFIG = 2
SANDBOX_EXTRA = "pip install 'zoho-books-sync[sandbox]'"


class MissingExtraError(Exception):
    """A command needs an optional part of the distribution that is not installed."""


def _require_sandbox() -> None:
    """Import the sandbox, or say in one line how to install it (its extra is optional)."""
    try:
        import zoho_sandbox  # noqa: F401 - imported to find out whether it can be
    except ModuleNotFoundError as exc:
        raise MissingExtraError(
            f"the Zoho Books sandbox needs {exc.name}, which is not installed: {SANDBOX_EXTRA}"
        ) from exc


def _sandbox(args: argparse.Namespace) -> int:
    """Run the Zoho Books sandbox until interrupted."""
    _require_sandbox()
    from zoho_sandbox import SandboxConfig, serve_forever

    overrides = json.loads(Path(args.config).read_text()) if args.config else {}
    for field in ("time_scale", "requests_per_minute", "daily_limit", "max_concurrency"):
        value = getattr(args, field)
        if value is not None:
            overrides[field] = value
    config = SandboxConfig.model_validate(overrides)
    configure_logging("console")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(config, args.host, args.port))
    return 0


def _run(_args: argparse.Namespace) -> int:
    """Run the worker until SIGTERM."""
    from .app import run_worker

    settings = load_settings()
    configure_logging(settings.log_format)
    return asyncio.run(run_worker(settings))


def _reconcile(_args: argparse.Namespace) -> int:
    """One reconciler pass now; prints its summary."""
    from dataclasses import asdict

    from .app import reconcile_once

    settings = load_settings()
    configure_logging(settings.log_format, level=logging.WARNING)
    summary = asyncio.run(reconcile_once(settings))
    if summary is None:
        print("zbsync: no organization chosen (ZBSYNC_ZOHO_ORGANIZATION_ID): nothing to reconcile")
        return 1
    print(json.dumps(asdict(summary), indent=2))
    return 0 if summary.feed_error is None else 1


def _demo(args: argparse.Namespace) -> int:
    """Start the sandbox and show what a connected worker sees."""
    _require_sandbox()
    from .demo import run_demo

    settings = load_settings()
    configure_logging("console", level=logging.WARNING)  # the demo speaks through print
    return asyncio.run(run_demo(settings, Path(args.state_dir)))


def _publish(args: argparse.Namespace) -> int:
    """Validate an order event file and publish it to the exchange, confirmed."""
    from .messaging.publish_cli import run_publish

    settings = load_settings()
    return run_publish(settings, Path(args.file), raw=args.raw, routing_key=args.routing_key)


def _schemas(args: argparse.Namespace) -> int:
    """Write the JSON Schemas, the AsyncAPI document and the examples of the events."""
    from .contract import write_schemas

    written = write_schemas(Path(args.out))
    print(f"wrote {len(written)} files under {args.out}/")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zbsync", description="Shop orders to Zoho Books draft invoices."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the worker: consumer, sync loop (until SIGTERM)")
    run.set_defaults(handler=_run)

    reconcile = commands.add_parser("reconcile", help="run one reconciler pass now")
    reconcile.set_defaults(handler=_reconcile)

    sandbox = commands.add_parser("sandbox", help="run the local Zoho Books sandbox")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8090)
    sandbox.add_argument("--config", help="JSON file with sandbox settings (see README)")
    sandbox.add_argument("--time-scale", type=float, help="sandbox seconds per real second")
    sandbox.add_argument("--requests-per-minute", type=int)
    sandbox.add_argument("--daily-limit", type=int)
    sandbox.add_argument("--max-concurrency", type=int)
    sandbox.set_defaults(handler=_sandbox)

    demo = commands.add_parser("demo", help="sandbox + worker on local defaults, with samples")
    demo.add_argument("--state-dir", default=".zbsync", help="where generated secrets are kept")
    demo.set_defaults(handler=_demo)

    publish = commands.add_parser("publish", help="publish an order event (a CloudEvent file)")
    publish.add_argument("file", help="the event as JSON, e.g. schemas/examples/*.json")
    publish.add_argument("--raw", action="store_true", help="publish the bytes unvalidated")
    publish.add_argument("--routing-key", help="with --raw: the routing key (default order.paid)")
    publish.set_defaults(handler=_publish)

    schemas = commands.add_parser("schemas", help="write schemas/ from the event models")
    schemas.add_argument("--out", default="schemas", help="the folder it owns (default: schemas)")
    schemas.set_defaults(handler=_schemas)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zbsync`` console script."""
    args = _parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (ConfigError, MissingExtraError) as exc:
        print(f"zbsync: {exc}", file=sys.stderr)
        return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
