"""The generated server's own CPU time per request, by stage, in this process (no HTTP).

Run: python bench/server_stages.py [--quick]   (bench/bench_server.py prints it too)
     python bench/server_stages.py --before REF [--rounds N]   (the whole calls of a git
     revision's package beside this tree's, alternated in one process: steadier than two runs)
     python bench/server_stages.py --instructions REF [--every-kind]   (the same whole calls
     counted in instructions per request under valgrind: what the machine's load does not move)

Each stage is timed alone on the documented sample request and response (best of 5 runs of N
calls, the garbage collector off, as timeit does), in CPU time (`time.process_time`, every
thread of the process: a shared machine's other work then inflates the figures far less than
it does wall time), then the whole ASGI call (`create_app`
driven straight through its interface with the request's headers and body, answered with the
sample output) for the async handler, the sync handler on the loop, the sync handler with the
default threads, and with SigV4 checked: "rest" is the whole call less the stages, the ASGI
plumbing (headers, routing, the answer's headers and the two send calls). A cProfile of the
async handler's whole call then names the functions the time goes to: the next bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import pstats
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET = "CodePipeline_20150709.PollForJobs"
ACCESS_KEY = "AKIDBENCHSTAGES000001"
SECRET_KEY = "bench/stages/secret/000000000000000001"



def plain_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    """An unsigned PollForJobs request's headers, as uvicorn hands them to the app."""
    return [
        (b"host", b"127.0.0.1:8080"),
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"application/x-amz-json-1.1"),
        (b"x-amz-target", TARGET.encode()),
    ]


def handlers_answering(output: Any) -> tuple[type, type]:
    """A sync and an async handler class, each answering every poll with `output`."""

    class Sync:
        def poll_for_jobs(self, request: Any) -> Any:
            return output

    class Async:
        async def poll_for_jobs(self, request: Any) -> Any:
            return output

    return Sync, Async

def best_us(call: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(call, number=number, repeat=5, timer=time.process_time)) / number * 1e6


def signed_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET}
    aws = AWSRequest(method="POST", url="http://127.0.0.1:8080/", data=body, headers=headers)
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "codepipeline", "us-east-1").add_auth(aws)
    pairs = [("host", "127.0.0.1:8080"), ("content-length", str(len(body)))] + list(aws.headers.items())
    return [(name.lower().encode(), value.encode()) for name, value in pairs]


def asgi_us(app: Any, headers: list[tuple[bytes, bytes]], body: bytes, number: int) -> float:
    """Microseconds per request of `app` driven straight through ASGI, 8 requests at a time."""
    scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"", "headers": headers}
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(_: dict[str, Any]) -> None:
        return None

    async def worker(count: int) -> None:
        for _ in range(count):
            await app(scope, receive, send)

    async def run() -> None:
        await asyncio.gather(*(worker(number // 8) for _ in range(8)))

    runs = timeit.repeat(lambda: asyncio.run(run()), number=1, repeat=5, timer=time.process_time)
    return min(runs) / (number // 8 * 8) * 1e6


def measure(quick: bool) -> None:
    import bench_server
    from pollforjobs import models, validators
    from pollforjobs._runtime.protocols.json_codec import JSON
    from pollforjobs._runtime.server import new_request_id
    from pollforjobs._runtime.sigv4 import SigV4Verifier
    from pollforjobs.server import create_app

    logging.getLogger("pollforjobs.server").setLevel(logging.ERROR)
    number = 2_000 if quick else 10_000
    body = bench_server.sample_request()
    output = bench_server.sample_output()
    document = JSON.decode_request(body)
    request = models.PollForJobsInput.model_validate(document, by_alias=True, by_name=False)
    plain = plain_headers(body)
    signed = signed_headers(body)
    verifier = SigV4Verifier({ACCESS_KEY: SECRET_KEY}, service="codepipeline", clock_skew=300.0)

    Sync, Async = handlers_answering(output)

    logger = logging.getLogger("pollforjobs.server")
    stages = {
        "parse (JSON body)": lambda: JSON.decode_request(body),
        "validate": lambda: validators.validate_poll_for_jobs_request(document),
        "model (input)": lambda: models.PollForJobsInput.model_validate(document, by_alias=True, by_name=False),
        "handler (a sync call)": lambda: Sync().poll_for_jobs(request),
        "serialize (output)": lambda: JSON.encode_model(output),
        "request id": new_request_id,
        "log (level check; line off)": lambda: logger.isEnabledFor(logging.INFO),
    }
    figures = {name: best_us(call, number) for name, call in stages.items()}
    sign_check = best_us(lambda: verifier.verify("POST", "/", b"", signed, body), number)
    whole = {
        "async handler": asgi_us(create_app(Async()), plain, body, number),
        "sync handler, on the loop": asgi_us(create_app(Sync(), sync_in_thread=False), plain, body, number),
        "sync handler, default threads": asgi_us(create_app(Sync()), plain, body, number),
        "async + SigV4": asgi_us(create_app(Async(), credentials={ACCESS_KEY: SECRET_KEY}), signed, body, number),
        "sync + SigV4": asgi_us(create_app(Sync(), credentials={ACCESS_KEY: SECRET_KEY}), signed, body, number),
    }
    staged = sum(figures.values())
    print(f"server CPU per request by stage, in process (µs of CPU time, best of 5 x {number:,} calls)")
    for name, value in figures.items():
        print(f"  {name:34} {value:7.2f}")
    print(f"  {'sign check (SigV4, when on)':34} {sign_check:7.2f}")
    print(f"  {'stages together (without SigV4)':34} {staged:7.2f}")
    for name, value in whole.items():
        extra = sign_check if "SigV4" in name else 0.0
        print(f"  whole ASGI call, {name:30} {value:7.2f}   (rest: {value - staged - extra:5.2f})")
    print(f"  the thread hop (default threads less on the loop, 8 at a time): {whole['sync handler, default threads'] - whole['sync handler, on the loop']:.2f}")
    print(f"  sync + SigV4 less async + SigV4 (the hop with signatures on): {whole['sync + SigV4'] - whole['async + SigV4']:.2f}")
    costs = {**figures, "sign check (SigV4, when on)": sign_check, "the thread hop": whole["sync handler, default threads"] - whole["sync handler, on the loop"]}
    slowest = sorted(costs.items(), key=lambda item: item[1], reverse=True)[:3]
    print("  next bottlenecks: " + ", ".join(f"{name} {value:.1f}" for name, value in slowest))
    app = create_app(Async())
    profile = cProfile.Profile()
    profile.enable()
    asgi_us(app, plain, body, number)
    profile.disable()
    print("\nprofile of the async handler's whole call (cProfile, the functions with most own time):")
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    total = sum(row[1][2] for row in rows)
    for (filename, line, function), (_, calls, own, _cumulative, _) in rows[:10]:
        where = f"{Path(filename).name}:{line}" if line else "(built-in)"
        print(f"  {own / total:5.1%}  {function[:60]:60} {where}")


def whole_calls(package: Any, number: int) -> dict[str, Callable[[], float]]:
    """The whole ASGI call of each app kind, for `package` (this tree's or another revision's)."""
    import importlib
    import json

    import bench_server

    from tests.conftest import WELL_FORMED_JOB_ID, reference_samples

    models = importlib.import_module(package.__name__ + ".models")
    create_app = importlib.import_module(package.__name__ + ".server").create_app
    text = reference_samples()[1].replace('"ef66c259-64f9-EXAMPLE"', json.dumps(WELL_FORMED_JOB_ID))
    output = models.PollForJobsOutput.model_validate(json.loads(text))
    body = bench_server.sample_request()
    plain = plain_headers(body)
    signed = signed_headers(body)
    credentials = {ACCESS_KEY: SECRET_KEY}

    Sync, Async = handlers_answering(output)

    apps = {
        "sync handler, every default (threads)": (create_app(Sync()), plain),
        "async handler": (create_app(Async()), plain),
        "sync handler on the loop": (create_app(Sync(), sync_in_thread=False), plain),
        "async handler + SigV4": (create_app(Async(), credentials=credentials), signed),
        "sync handler + SigV4": (create_app(Sync(), credentials=credentials), signed),
    }
    return {name: (lambda app=app, headers=headers: asgi_us(app, headers, body, number)) for name, (app, headers) in apps.items()}


def before_and_after(ref: str, quick: bool, rounds: int) -> None:
    """The whole ASGI calls of this tree and of git revision `ref`, alternated in one process."""
    import bench_queue

    logging.getLogger("pollforjobs").setLevel(logging.ERROR)
    number = 2_000 if quick else 8_000
    import pollforjobs

    now = whole_calls(pollforjobs, number)
    package = bench_queue.package_at(ref)
    logging.getLogger(package.__name__).setLevel(logging.ERROR)
    then = whole_calls(package, number)
    best: dict[str, list[float]] = {name: [float("inf"), float("inf")] for name in now}
    for _ in range(rounds):
        for name in now:
            best[name][0] = min(best[name][0], then[name]())
            best[name][1] = min(best[name][1], now[name]())
    print(f"whole ASGI call, µs of CPU time per request, in process (8 at a time, best of {rounds} alternated rounds x 5)")
    print(f"  {'':40} {ref:>12} {'this tree':>10}")
    for name, (before, after) in best.items():
        print(f"  {name:40} {before:12.1f} {after:10.1f}")


def run_calls(ref: str | None, kind: str, number: int) -> None:
    """`number` requests of one whole call (`whole_calls`), for valgrind to count."""
    import bench_queue
    import pollforjobs

    logging.getLogger("pollforjobs").setLevel(logging.ERROR)
    package = bench_queue.package_at(ref) if ref else pollforjobs
    logging.getLogger(package.__name__).setLevel(logging.ERROR)
    calls = whole_calls(package, number)
    if number:
        calls[kind]()


def instructions(ref: str, number: int, every_kind: bool = False) -> None:
    """Instructions per request of each whole call, this tree's and `ref`'s (valgrind, the run
    of `number` requests less the run of none: imports and setup cancel out)."""
    import re
    import subprocess

    def count(tree: str | None, kind: str, calls: int) -> int:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
        command += ["--count", kind, str(calls)] + (["--ref", tree] if tree else [])
        err = subprocess.run(command, capture_output=True, text=True, check=True).stderr
        return int(re.search(r"Collected : (\d+)", err).group(1))  # type: ignore[union-attr]

    print(f"instructions per request (valgrind callgrind, {number * 5:,} requests less none, 8 at a time)")
    print(f"  {'':40} {ref:>12} {'this tree':>10}")
    kinds = ["sync handler, every default (threads)", "async handler"]  # valgrind is slow: the two targets
    if every_kind:
        kinds += ["sync handler on the loop", "async handler + SigV4", "sync handler + SigV4"]
    for kind in kinds:
        # asgi_us runs 5 repeats of `number` requests
        figures = [(count(tree, kind, number) - count(tree, kind, 0)) / (number * 5) for tree in (ref, None)]
        print(f"  {kind:40} {figures[0]:12,.0f} {figures[1]:10,.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls")
    parser.add_argument("--before", metavar="REF", help="the whole calls of this git revision beside this tree's, alternated")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds for --before")
    parser.add_argument("--instructions", metavar="REF", help="instructions per request, this tree's and REF's (valgrind)")
    parser.add_argument("--every-kind", action="store_true", help="--instructions for every whole call, not only the two targets")
    parser.add_argument("--count", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--ref", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        run_calls(args.ref, args.count[0], int(args.count[1]))
    elif args.instructions:
        instructions(args.instructions, 200 if args.quick else 800, args.every_kind)
    elif args.before:
        before_and_after(args.before, args.quick, args.rounds)
    else:
        measure(args.quick)


if __name__ == "__main__":
    main()
