"""The options of the bundled job service, the `Lifecycle` they set (its choices where AWS
documents nothing) and the handler they describe, for `python -m pollforjobs.server`
(jobqueue.py re-exports them: the spec's local handler is that module).
(Source: specs/pollforjobs/joboptions.py; the generator copies it into the package.)
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .jobstore import JobStore

if TYPE_CHECKING:
    from .jobqueue import JobQueue


@dataclass(frozen=True)
class Lifecycle:
    """The choices where AWS documents nothing (see the README's Server section)."""

    # A job handed out and not acknowledged within this many seconds is handed out again.
    redelivery_seconds: float = 60.0
    # Whether a job handed out again gets a new nonce (so the first worker's nonce stops working).
    fresh_nonce: bool = True
    # An acknowledged job with no result after this many seconds is TimedOut.
    job_timeout_seconds: float = 3600.0
    # Whether a result may be put on a job handed out but not acknowledged yet.
    result_before_ack: bool = False
    # Whether a second AcknowledgeJob with the nonce that acknowledged the job succeeds.
    repeat_ack: bool = True
    # How long the artifact credentials of a hand-out are valid.
    credentials_seconds: float = 3600.0


def create_handler(seed_file: str | None) -> JobQueue:
    """A queue in memory, seeded from `seed_file` (the handler of `python -m pollforjobs.server`
    with no other option)."""
    from .jobqueue import JobQueue  # jobqueue imports this module

    queue = JobQueue()
    if seed_file is not None:
        queue.add_seed_file(seed_file)
    return queue


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the bundled job service."""
    group = parser.add_argument_group("the bundled job service")
    group.add_argument(
        "--state",
        metavar="FILE",
        help="keep jobs, statuses, results and hand-outs in this SQLite file (default: in memory); several servers may share one",
    )
    group.add_argument(
        "--s3",
        action="store_true",
        help="start moto's S3 server on loopback for the artifacts, print 'S3 endpoint: URL', and create the artifact bucket",
    )
    group.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="let any client use the /_local/ console with 'Authorization: Bearer TOKEN' (default: loopback clients only, no token)",
    )
    defaults = Lifecycle()
    group.add_argument(
        "--redelivery-seconds",
        type=_seconds,
        default=defaults.redelivery_seconds,
        metavar="N",
        help="hand a job out again when it is not acknowledged within N seconds (default: %(default)s)",
    )
    group.add_argument(
        "--redelivery-nonce",
        choices=["fresh", "same"],
        default="fresh",
        help="whether a job handed out again gets a new nonce (default: %(default)s)",
    )
    group.add_argument(
        "--job-timeout-seconds",
        type=_seconds,
        default=defaults.job_timeout_seconds,
        metavar="N",
        help="an acknowledged job with no result after N seconds is TimedOut (default: %(default)s)",
    )
    group.add_argument(
        "--result-before-ack",
        choices=["refuse", "accept"],
        default="refuse",
        help="a result on a job handed out but not acknowledged: InvalidJobStateException, or taken (default: %(default)s)",
    )
    group.add_argument(
        "--repeat-ack",
        choices=["accept", "refuse"],
        default="accept",
        help="a second AcknowledgeJob with the same nonce: InProgress again, or InvalidNonceException (default: %(default)s)",
    )
    group.add_argument(
        "--credentials-seconds",
        type=_seconds,
        default=defaults.credentials_seconds,
        metavar="N",
        help="lifetime of a hand-out's artifact credentials (default: %(default)s)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of seconds, not {text!r}") from None
    if not 0 < value <= 10**7:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"a number of seconds above 0 and at most 10000000, not {text}"
        )
    return value


def create_handler_from_args(args: argparse.Namespace) -> tuple[JobQueue, bool]:
    """The job service the options describe, and whether its methods may block (on a state
    file they wait for the other processes' transactions, so they get threads)."""
    from .jobqueue import Artifacts, JobQueue  # jobqueue imports this module

    lifecycle = Lifecycle(
        redelivery_seconds=args.redelivery_seconds,
        fresh_nonce=args.redelivery_nonce == "fresh",
        job_timeout_seconds=args.job_timeout_seconds,
        result_before_ack=args.result_before_ack == "accept",
        repeat_ack=args.repeat_ack == "accept",
        credentials_seconds=args.credentials_seconds,
    )
    artifacts: Artifacts = Artifacts()
    if args.s3:
        from .artifacts import S3Artifacts

        artifacts = S3Artifacts.start()
        print(f"S3 endpoint: {artifacts.endpoint_url}", flush=True)
    queue = JobQueue(store=JobStore(args.state), lifecycle=lifecycle, artifacts=artifacts)
    if args.seed is not None:
        if args.state:
            queue.seed_once(args.seed)
        else:
            queue.add_seed_file(args.seed)
    return queue, args.state is not None


def wrap_app(app: Any, handler: object, args: argparse.Namespace) -> Any:
    """The app with the /_local/ console in front, when it serves the bundled job service."""
    from .jobqueue import JobQueue  # jobqueue imports this module

    if not isinstance(handler, JobQueue):
        return app
    from .jobconsole import Console

    return Console(app, handler, admin_token=args.admin_token)
