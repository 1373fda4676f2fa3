"""The words of ``zbsync``: its commands and options, their defaults and exit codes.

What ``zbsync COMMAND --help`` shows is written here; ``cli.py`` decides what each command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib import metadata
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

DISTRIBUTION = "zoho-books-sync"
SETTINGS = (
    "Settings come from ZBSYNC_* environment variables or ./.env; every variable with its default "
    "is in docs/configuration.md."
)
CONFIG_EXIT = "2  bad configuration or usage (each bad variable or option is named)"


class _Formatter(argparse.HelpFormatter):
    """Wraps prose but keeps lists (the exit codes) as written; shows an option's default."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = text.split("\n\n")
        for index, paragraph in enumerate(paragraphs):
            if "\n" not in paragraph:
                paragraphs[index] = super()._fill_text(paragraph, width, indent)
        return "\n\n".join(paragraphs)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS)
        if shown and action.option_strings and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text


def _epilog(*exits: str, settings: bool = True) -> str:
    lines = ["exit status:", *(f"  {line}" for line in exits)]
    return "\n".join(lines) + (f"\n\n{SETTINGS}" if settings else "")


def version() -> str:
    """The installed distribution's version (``0+unknown`` when run from an uninstalled tree)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``zbsync`` parser and each command's own parser, by name."""
    parser = argparse.ArgumentParser(
        prog="zbsync",
        description="Turns a shop's paid orders into draft invoices in Zoho Books, exactly once.",
        epilog=_epilog(
            "0  done", "1  it could not be done (the command's help says when)", CONFIG_EXIT
        ),
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands = {
        name: add(sub)
        for name, add in (
            ("run", _run),
            ("reconcile", _reconcile),
            ("status", _status),
            ("check", _check),
            ("connect", _connect),
            ("sync", _sync),
            ("delete", _delete),
            ("sandbox", _sandbox),
            ("demo", _demo),
            ("publish", _publish),
            ("schemas", _schemas),
        )
    }
    return parser, commands


def _command(
    sub: Subcommands,
    name: str,
    summary: str,
    description: str,
    epilog: str,
) -> argparse.ArgumentParser:
    return sub.add_parser(
        name, help=summary, description=description, epilog=epilog, formatter_class=_Formatter
    )


def _run(sub: Subcommands) -> argparse.ArgumentParser:
    return _command(
        sub,
        "run",
        "run the worker: consumer, sync loop, reconciler (until SIGTERM)",
        "Run one worker replica: take order events from RabbitMQ, keep their state in MongoDB "
        "and turn paid orders into draft invoices in Zoho Books; one replica runs the "
        "reconciler every ZBSYNC_RECONCILE_INTERVAL seconds. Needs ZBSYNC_ADMIN_TOKEN and "
        "ZBSYNC_SECRET_KEY. On SIGTERM it stops consuming, finishes in-flight Zoho work within "
        "ZBSYNC_SHUTDOWN_GRACE and exits.",
        _epilog(
            "0  stopped on SIGTERM or SIGINT",
            "1  MongoDB or RabbitMQ did not answer at start",
            CONFIG_EXIT,
        ),
    )


def _reconcile(sub: Subcommands) -> argparse.ArgumentParser:
    return _command(
        sub,
        "reconcile",
        "run one reconciler pass now",
        "Run one reconciler pass now, auto sync on or off: read Zoho's taxes and currencies "
        "again, find paid orders still without an invoice, ask the shop's order feed "
        "(ZBSYNC_ORDER_FEED_URL) when set, and print the pass's summary as JSON.",
        _epilog(
            "0  the pass ran",
            "1  no organization chosen, the order feed failed, or MongoDB did not answer",
            CONFIG_EXIT,
        ),
    )


def _status(sub: Subcommands) -> argparse.ArgumentParser:
    return _command(
        sub,
        "status",
        "show connection, budget, orders by state, last reconciler pass",
        "Print a table of what every replica shares, read from MongoDB only (Zoho is not "
        "asked): the Zoho connection and its data center, the organization, the requests "
        "left in today's budget, how many orders are in each state, and the last reconciler "
        "pass. Needs ZBSYNC_SECRET_KEY to read the connection.",
        _epilog("0  printed", "1  MongoDB did not answer", CONFIG_EXIT),
    )


def _check(sub: Subcommands) -> argparse.ArgumentParser:
    return _command(
        sub,
        "check",
        "the preflight check: each problem with its fix",
        "Check that orders can become invoices: Zoho connected in the configured data "
        "center, the organization readable, every VAT rate seen in stored orders (and in "
        "the tax map) matched to an active Zoho tax as the mapping would, every currency "
        "seen enabled in Zoho. Prints each problem with what to do. Reads the "
        "organization, its taxes and currencies from Zoho (three requests) when connected.",
        _epilog(
            "0  no problems found",
            "1  problems found (each is printed with its fix), or MongoDB did not answer",
            CONFIG_EXIT,
        ),
    )


def _connect(sub: Subcommands) -> argparse.ArgumentParser:
    parser = _command(
        sub,
        "connect",
        "connect Zoho without the console: print the authorization URL, or finish with --code",
        "Without --code: print Zoho's authorization URL for the data center (a single-use "
        "state, valid 10 minutes, is stored in MongoDB). Open it, consent, and copy code, state "
        "and accounts-server from the address Zoho sends the browser to (ZBSYNC_PUBLIC_URL + "
        "/oauth/callback, which need not answer). With --code: exchange it and store the tokens "
        "encrypted; --state is checked like the console's callback checks it (without it the "
        "code, e.g. a Self Client's, is taken for ZBSYNC_ZOHO_DATA_CENTER). Prints the "
        "organizations the token sees. Needs ZBSYNC_SECRET_KEY, ZBSYNC_PUBLIC_URL and the "
        "OAuth client.",
        _epilog(
            "0  URL printed, or connected",
            "1  Zoho refused the code or the state, or MongoDB did not answer",
            CONFIG_EXIT,
        ),
    )
    parser.add_argument("--dc", help="data center (default ZBSYNC_ZOHO_DATA_CENTER)")
    parser.add_argument("--code", help="the grant code Zoho returned")
    parser.add_argument("--state", help="the state Zoho returned with the code")
    parser.add_argument(
        "--accounts-server", help="the accounts-server Zoho returned (only a Zoho host)"
    )
    return parser


def _sync(sub: Subcommands) -> argparse.ArgumentParser:
    command = _command(
        sub,
        "sync",
        "generate or update one order's invoice now",
        "Generate (or update) the invoice of one stored, paid order now, auto sync on or off, "
        "on the same per-order path as events; recreates an invoice a person deleted in Zoho. "
        "When a running replica is working on the order, the request is recorded and that "
        "replica carries it out (carried_out: false). Prints the order as JSON.",
        _epilog(
            "0  done, or recorded for the replica working on the order",
            "1  no such order, the order is deleted or not paid, or MongoDB did not answer",
            CONFIG_EXIT,
        ),
    )
    command.add_argument("order_id", help="the shop's order id")
    return command


def _delete(sub: Subcommands) -> argparse.ArgumentParser:
    command = _command(
        sub,
        "delete",
        "delete one order's draft invoice in Zoho now",
        "Delete the draft invoice of one order in Zoho now, auto sync on or off; later events "
        "leave it deleted until `zbsync sync`. An invoice that is no longer a draft is refused. "
        "Prints the order as JSON.",
        _epilog(
            "0  done, or recorded for the replica working on the order",
            "1  no such order, no invoice, not a draft, or MongoDB did not answer",
            CONFIG_EXIT,
        ),
    )
    command.add_argument("order_id", help="the shop's order id")
    return command


def _sandbox(sub: Subcommands) -> argparse.ArgumentParser:
    sandbox = _command(
        sub,
        "sandbox",
        "run the local Zoho Books sandbox",
        "Serve a local stand-in for Zoho Accounts and the Zoho Books API v3 until interrupted "
        "(docs/sandbox.md). The flags override the --config file's settings.",
        _epilog(
            "0  stopped with Ctrl-C",
            "1  it cannot listen on --host:--port",
            "2  bad settings: the --config file or a flag (each bad field is named)",
            settings=False,
        ),
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sandbox.add_argument("--port", type=int, default=8090, help="port to listen on")
    sandbox.add_argument("--config", help="a JSON file of sandbox settings (docs/sandbox.md)")
    # No argparse defaults below: an unset flag leaves the --config file's value.
    sandbox.add_argument(
        "--time-scale", type=float, help="sandbox seconds per real second (default: 1)"
    )
    sandbox.add_argument(
        "--requests-per-minute", type=int, help="Zoho's per-minute limit (default: 100)"
    )
    sandbox.add_argument("--daily-limit", type=int, help="daily cap (default: the plan's)")
    sandbox.add_argument(
        "--max-concurrency",
        type=int,
        help="requests in flight at once (default: 5 on the Free plan, else 10)",
    )
    return sandbox


def _demo(sub: Subcommands) -> argparse.ArgumentParser:
    demo = _command(
        sub,
        "demo",
        "sandbox + worker on local defaults, with sample orders",
        "Start the sandbox and a worker on local defaults (database zbsync_demo and queues of "
        "its own, emptied at each run), connect to Zoho as an admin would, publish sample "
        "orders, an update, a delete and a malformed message, and print what ended up in Zoho. "
        "Needs RabbitMQ and MongoDB (`make demo` starts them).",
        _epilog(
            "0  every sample order settled",
            "1  some did not, or MongoDB or RabbitMQ did not answer",
            CONFIG_EXIT,
        ),
    )
    demo.add_argument("--state-dir", default=".zbsync", help="where generated secrets are kept")
    demo.add_argument(
        "--serve",
        action="store_true",
        help="then keep the worker and its web console running on the demo's data until "
        "Ctrl-C (ZBSYNC_HTTP_HOST:ZBSYNC_HTTP_PORT, default 127.0.0.1:8080; make demo does)",
    )
    return demo


def _publish(sub: Subcommands) -> argparse.ArgumentParser:
    publish = _command(
        sub,
        "publish",
        "publish an order event (a CloudEvent file)",
        "Validate an order event file against the event contract (docs/events.md), declare "
        "the topology and publish it under its own type with publisher confirms. --raw sends "
        "the bytes unchecked, to try a malformed message.",
        _epilog(
            "0  the broker confirmed",
            "1  not a valid event (the reason is printed), an unreadable file, or no confirm",
            CONFIG_EXIT + "; --routing-key without --raw",
        ),
    )
    publish.add_argument("file", help="the event as JSON, e.g. schemas/examples/*.json")
    publish.add_argument("--raw", action="store_true", help="publish the bytes unvalidated")
    publish.add_argument(
        "--routing-key", help="with --raw only: the routing key (default: order.paid)"
    )
    return publish


def _schemas(sub: Subcommands) -> argparse.ArgumentParser:
    schemas = _command(
        sub,
        "schemas",
        "write schemas/ from the event models",
        "Write the events' JSON Schemas, the AsyncAPI 3.0 document and example events from "
        "worker/events.py, removing generated files no longer produced. The test suite fails "
        "when the checked-in schemas/ differ.",
        _epilog("0  written", CONFIG_EXIT, settings=False),
    )
    schemas.add_argument("--out", default="schemas", help="the folder it owns")
    return schemas


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, or exit 2 with a usage error (also for options that do not combine)."""
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    if args.command == "publish" and args.routing_key is not None and not args.raw:
        commands["publish"].error(
            "--routing-key needs --raw: a validated event is published under its own type"
        )
    return args
