"""`python -m <package>.server`: serve a handler with uvicorn until interrupted."""

from __future__ import annotations

import argparse
import importlib
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .credentials_file import load_credentials
from .server import DEFAULT_MAX_BODY_BYTES
from .sigv4 import DEFAULT_CLOCK_SKEW, MAX_CLOCK_SKEW, MIN_CLOCK_SKEW, check_clock_skew


@dataclass(frozen=True)
class BundledHandler:
    """The handler a spec ships (`service.local_handler`), for the help text: served unless
    `--handler` is given, seeded from the file given with `seed_flag`."""

    module: str
    seed_flag: str
    seed_help: str


def main(
    argv: list[str] | None,
    *,
    parser: argparse.ArgumentParser,
    create_app: Callable[..., Any],
    handler_from_args: Callable[[argparse.Namespace], tuple[object, bool]],
    wrap_app: Callable[[Any, object, argparse.Namespace], Any] | None = None,
) -> int:
    """Parse `argv`, make the handler (and whether its sync methods may block) and the app
    (passed through `wrap_app` when given: a bundled handler's own routes), and serve it until
    interrupted; bad arguments end with the parser's usage error."""
    args = parser.parse_args(argv)
    try:
        handler, may_block = handler_from_args(args)
        credentials = load_credentials(args.credentials) if args.credentials else None
        app = create_app(
            handler,
            credentials=credentials,
            max_body_bytes=args.max_body_bytes,
            clock_skew=args.clock_skew,
            sync_in_thread=may_block,
        )
        if wrap_app is not None:
            app = wrap_app(app, handler, args)
    except (ValueError, TypeError) as exc:
        parser.error(str(exc))
    import uvicorn

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)
    return 0


def named_handler(spec: str) -> object:
    """The object `MODULE:ATTRIBUTE` names; a class or function is called to make it."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"--handler wants MODULE:ATTRIBUTE, got {spec!r}")
    try:
        found: object = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"cannot load handler {spec!r}: {exc}") from None
    return found() if inspect.isclass(found) or inspect.isfunction(found) else found


def port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a port is a whole number from 0 to 65535, not {text!r}"
        ) from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, not {number}")
    return number


def byte_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a number of bytes is a whole number, not {text!r}"
        ) from None
    if count < 0:
        raise argparse.ArgumentTypeError(f"a number of bytes is at least 0, not {count}")
    return count


def clock_skew(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a clock skew is a number of seconds, not {text!r}"
        ) from None
    try:
        return check_clock_skew(seconds)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def arguments(
    prog: str, description: str, bundled: BundledHandler | None
) -> argparse.ArgumentParser:
    """The server's options; with `bundled`, also the seed option of the bundled handler (its
    value goes to `seed`)."""
    options = argparse.ArgumentParser(prog=prog, description=description)
    options.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)"
    )
    options.add_argument(
        "--port",
        type=port,
        default=8080,
        help="TCP port, 0 for any free one (default: %(default)s)",
    )
    if bundled is not None:
        options.add_argument(bundled.seed_flag, dest="seed", metavar="FILE", help=bundled.seed_help)
        handler_help = (
            "serve this object (a class or function is called first) instead of the bundled "
            f"{bundled.module} handler"
        )
    else:
        handler_help = "the handler to serve: an object, or a class or function that makes it"
    options.add_argument("--handler", metavar="MODULE:ATTR", help=handler_help)
    options.add_argument(
        "--credentials",
        metavar="FILE",
        help='require SigV4 signatures by these keys: a JSON object {"ACCESS_KEY_ID": "SECRET_KEY"}',
    )
    options.add_argument(
        "--max-body-bytes",
        type=byte_count,
        default=DEFAULT_MAX_BODY_BYTES,
        metavar="N",
        help="largest request body accepted (default: %(default)s)",
    )
    options.add_argument(
        "--clock-skew",
        type=clock_skew,
        default=DEFAULT_CLOCK_SKEW,
        metavar="SECONDS",
        help=(
            f"signature clock skew allowed, {MIN_CLOCK_SKEW:g} to {MAX_CLOCK_SKEW:g} "
            "(default: %(default)s)"
        ),
    )
    options.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="access lines are logged at info (default: %(default)s)",
    )
    return options
