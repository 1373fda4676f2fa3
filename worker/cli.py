"""``zbsync``: the command line. Thin: parse, load settings, hand over, map errors to exit codes.

Exit codes, the same for every command: 0 done, 1 it could not be done (a service that did not
answer, a refused event), 2 bad configuration or usage. A failure at start prints one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .cli_parser import parse
from .config import ConfigError, Settings, load_settings
from .logs import configure_logging

if TYPE_CHECKING:
    from .app import ManualAction

EXIT_FAILED = 1
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


AMQP_PORT = 5672  # what an amqp:// URL without a port means


class StartupFailed(Exception):
    """A command could not start; the message is the one line its user reads."""


def _sandbox(args: argparse.Namespace) -> int:
    """Run the Zoho Books sandbox until interrupted."""
    _require_sandbox()
    from zoho_sandbox import SandboxConfig, serve_forever

    overrides = _sandbox_file(Path(args.config)) if args.config else {}
    for field in ("time_scale", "requests_per_minute", "daily_limit", "max_concurrency"):
        value = getattr(args, field)
        if value is not None:
            overrides[field] = value
    try:
        config = SandboxConfig.model_validate(overrides)
    except ValidationError as exc:
        raise ConfigError(f"bad settings: {_fields(exc)}") from None
    configure_logging("console")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_forever(config, args.host, args.port))
    except OSError as exc:
        raise StartupFailed(f"cannot serve on {args.host}:{args.port}: {exc.strerror}") from None
    return 0


def _sandbox_file(path: Path) -> dict[str, object]:
    """The settings in a ``--config`` file, or ``ConfigError`` saying what is wrong with it."""
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path} is not JSON: {exc}") from None
    if not isinstance(settings, dict):
        raise ConfigError(f"{path} must hold a JSON object of sandbox settings")
    return settings


def _fields(exc: ValidationError) -> str:
    """Each bad field with pydantic's reason, on one line, without the value."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '?'}: {error['msg']}"
        for error in exc.errors(include_input=False, include_url=False)
    )


def _run(_args: argparse.Namespace) -> int:
    """Run the worker until SIGTERM."""
    from .app import run_worker

    settings = load_settings()
    configure_logging(settings.log_format)
    with _services_answer(settings):
        return asyncio.run(run_worker(settings))


def _reconcile(_args: argparse.Namespace) -> int:
    """One reconciler pass now; prints its summary."""
    from dataclasses import asdict

    from .app import reconcile_once
    from .reconcile.runner import PassRunning

    settings = load_settings()
    configure_logging(settings.log_format, level=logging.WARNING)
    try:
        with _services_answer(settings):
            summary = asyncio.run(reconcile_once(settings))
    except PassRunning as exc:
        print(f"zbsync reconcile: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if summary is None:
        print("zbsync: no organization chosen (ZBSYNC_ZOHO_ORGANIZATION_ID): nothing to reconcile")
        return EXIT_FAILED
    print(json.dumps(asdict(summary), indent=2))
    return 0 if summary.feed_error is None else EXIT_FAILED


def _check(_args: argparse.Namespace) -> int:
    """The preflight check: each problem with its fix; 1 when there is one."""
    from .app import check_once
    from .status_table import render_problems

    settings = load_settings()
    configure_logging(settings.log_format, level=logging.WARNING)
    with _services_answer(settings):
        problems = asyncio.run(check_once(settings))
    print(render_problems(problems))
    return EXIT_FAILED if problems else 0


def _status(_args: argparse.Namespace) -> int:
    """Connection, budget left today, orders by state, last reconciler pass."""
    from .app import status_once
    from .status_table import render_status

    settings = load_settings()
    configure_logging(settings.log_format, level=logging.WARNING)
    with _services_answer(settings):
        print(render_status(asyncio.run(status_once(settings))))
    return 0


def _connect(args: argparse.Namespace) -> int:
    """Print the authorization URL, or finish a headless connect with ``--code``."""
    from .app import connect_url, connect_with_code
    from .zoho.errors import ConsentRefused, ZohoError

    settings = load_settings()
    configure_logging(settings.log_format, level=logging.WARNING)
    try:
        with _services_answer(settings):
            if args.code is None:
                print(asyncio.run(connect_url(settings, args.dc)))
                return 0
            organizations = asyncio.run(
                connect_with_code(settings, args.code, args.state, args.accounts_server)
            )
    except (ConsentRefused, ZohoError) as exc:
        print(f"zbsync connect: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps({"connected": True, "organizations": organizations}, indent=2))
    return 0


def _sync(args: argparse.Namespace) -> int:
    """Generate or update one order's invoice now; prints the order."""
    return _act(args.order_id, "generate")


def _delete(args: argparse.Namespace) -> int:
    """Delete one order's draft invoice in Zoho now; prints the order."""
    return _act(args.order_id, "delete")


def _act(order_id: str, action: ManualAction) -> int:
    from .api.views import order_summary
    from .app import act_on_order
    from .sync.manual import NotAllowed, UnknownOrder

    settings = load_settings()
    configure_logging(settings.log_format, level=logging.WARNING)
    try:
        with _services_answer(settings):
            result = asyncio.run(act_on_order(settings, order_id, action))
    except UnknownOrder:
        print(f"zbsync: no order {order_id} is stored", file=sys.stderr)
        return EXIT_FAILED
    except NotAllowed as exc:
        print(f"zbsync: order {order_id}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    answer = {"carried_out": result.carried_out, "order": order_summary(result.record)}
    print(json.dumps(answer, indent=2))
    return 0


@contextlib.contextmanager
def _services_answer(settings: Settings) -> Iterator[None]:
    """Turn "MongoDB / RabbitMQ did not answer" into one line naming where (never credentials)."""
    from aio_pika.exceptions import AMQPConnectionError
    from pymongo.errors import ConnectionFailure

    try:
        yield
    except ConnectionFailure:
        hosts = ",".join(f"{host['host']}:{host['port']}" for host in settings.mongodb_uri.hosts())
        raise StartupFailed(
            f"MongoDB did not answer at {hosts} (ZBSYNC_MONGODB_URI): is it running?"
        ) from None
    except AMQPConnectionError:
        where = f"{settings.amqp_url.host}:{settings.amqp_url.port or AMQP_PORT}"
        raise StartupFailed(
            f"RabbitMQ did not answer at {where} (ZBSYNC_AMQP_URL): is it running?"
        ) from None


def _demo(args: argparse.Namespace) -> int:
    """Start the sandbox and show what a connected worker sees."""
    _require_sandbox()
    from .demo import run_demo

    settings = load_settings()
    configure_logging("console", level=logging.WARNING)  # the demo speaks through print
    with _services_answer(settings):
        return asyncio.run(run_demo(settings, Path(args.state_dir), serve=args.serve))


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


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _run,
    "reconcile": _reconcile,
    "status": _status,
    "check": _check,
    "connect": _connect,
    "sync": _sync,
    "delete": _delete,
    "sandbox": _sandbox,
    "demo": _demo,
    "publish": _publish,
    "schemas": _schemas,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``zbsync`` console script."""
    args = parse(argv)
    try:
        return HANDLERS[args.command](args)
    except MissingExtraError as exc:
        print(f"zbsync: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except ConfigError as exc:
        print(f"zbsync {args.command}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StartupFailed as exc:
        print(f"zbsync {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
