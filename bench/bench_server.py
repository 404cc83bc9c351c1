"""Server speed: requests per second of the generated server vs a bare ASGI app, same uvicorn.

Run: python bench/bench_server.py [--quick] [--rounds N] [--seconds S] [--connections C]
     python bench/bench_server.py --queue [--quick]

`--queue` measures the bundled job queue alone (no HTTP): the time of one poll with 1,000 to
100,000 jobs queued, and of draining a queue one job per poll, against a list scan (the
queue's poll before it indexed jobs by action type and configuration setting, copied here).

Each server runs in its own child process (one uvicorn worker, access log off, whatever HTTP
parser uvicorn picks here); this process is the load generator: C keep-alive connections
driven by asyncio, each sending the same PollForJobs request (the documented sample request)
and reading the whole answer before sending the next. Every server answers with the same
bytes: the documented sample response (with a well-formed job id), as the generated server
serializes it.

Contenders:
- bare: an ASGI app that returns those bytes without looking at the request;
- async handler: `create_app(handler)` with an `async def poll_for_jobs` returning the output
  model — the generated server's own cost (read, parse, validate, model, dispatch, serialize);
- sync handler, on the loop: a plain `def` handler with `sync_in_thread=False` (how
  `python -m pollforjobs.server` runs its bundled job queue);
- sync handler, thread pool: a plain `def` handler with the default `sync_in_thread=True`
  (safe for handlers that block; pays a thread hop per request);
- async + access log: the async handler with the INFO access log written to a file;
- bare, signed request / async + SigV4: the same two fed a SigV4-signed request (three more
  headers for uvicorn to parse), the second with `credentials=` so it verifies every signature
  (the load generator replays one, valid for the 5-minute window). Compare these two with each
  other.

Rounds are interleaved (every contender once per round); the figure is the median over the
rounds, with the spread. The load generator's CPU share is printed: near 100% it, not the
server, is the limit, and the ratios flatter the slower contenders.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import WELL_FORMED_JOB_ID, reference_samples

TARGET = "CodePipeline_20150709.PollForJobs"
ACCESS_KEY = "AKIDBENCHSERVER00001"
SECRET_KEY = "bench/server/secret/0000000000000000001"
CONTENDERS = (
    "bare",
    "async handler",
    "sync handler, on the loop",
    "sync handler, thread pool",
    "async + access log",
    "bare, signed request",
    "async + SigV4",
)
SIGNED = {"bare, signed request", "async + SigV4"}


def sample_request() -> bytes:
    return json.dumps(json.loads(reference_samples()[0])).encode()


def sample_output() -> Any:
    from pollforjobs import models

    text = reference_samples()[1].replace('"ef66c259-64f9-EXAMPLE"', json.dumps(WELL_FORMED_JOB_ID))
    return models.PollForJobsOutput.model_validate(json.loads(text))


# --- the servers (child processes) ---------------------------------------------------------


def make_app(kind: str, log_file: str | None) -> Any:
    from pollforjobs import models
    from pollforjobs.server import create_app

    output = sample_output()
    body = output.model_dump_json(by_alias=True, exclude_none=True).encode()

    class SyncHandler:
        def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
            return output

    class AsyncHandler:
        async def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
            return output

    if kind.startswith("bare"):
        headers = [
            (b"content-type", b"application/x-amz-json-1.1"),
            (b"x-amzn-requestid", b"00000000-0000-4000-8000-000000000000"),
            (b"content-length", str(len(body)).encode()),
        ]

        async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            more = True
            while more:
                more = (await receive()).get("more_body", False)
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        return bare
    if kind == "sync handler, on the loop":
        return create_app(SyncHandler(), sync_in_thread=False)
    if kind == "sync handler, thread pool":
        return create_app(SyncHandler())
    if kind == "async + SigV4":
        return create_app(AsyncHandler(), credentials={ACCESS_KEY: SECRET_KEY})
    if kind == "async + access log":
        import logging

        handler = logging.FileHandler(log_file or os.devnull)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger = logging.getLogger("pollforjobs.server")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return create_app(AsyncHandler())


def serve(kind: str, log_file: str | None) -> None:
    import uvicorn

    app = make_app(kind, log_file)
    # IPPROTO_TCP, not 0: asyncio turns Nagle off only for sockets that say they are TCP, and
    # with Nagle on, keep-alive answers written in two parts wait for delayed ACKs (~40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


# --- the load generator ------------------------------------------------------------------


class _Client(asyncio.Protocol):
    """One keep-alive connection: send the request, read one whole answer, repeat."""

    def __init__(self, request: bytes, stop_at: float, done: asyncio.Future[None], counts: list[int]) -> None:
        self.request = request
        self.stop_at = stop_at
        self.done = done
        self.counts = counts
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].lower()
        start = head.find(b"content-length:") + 15
        length = int(head[start : head.find(b"\r\n", start) if head.find(b"\r\n", start) > 0 else None])
        if len(self.buffer) < end + 4 + length:
            return
        if not head.startswith(b"http/1.1 200"):
            self.counts[1] += 1
        self.counts[0] += 1
        self.buffer = self.buffer[end + 4 + length :]
        assert self.transport is not None
        if time.perf_counter() < self.stop_at:
            self.transport.write(self.request)
        else:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _load(port: int, request: bytes, seconds: float, connections: int) -> tuple[float, int, float]:
    loop = asyncio.get_running_loop()
    counts = [0, 0]
    cpu, started = time.process_time(), time.perf_counter()
    stop_at = started + seconds
    finished = []
    for _ in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(lambda d=done: _Client(request, stop_at, d, counts), "127.0.0.1", port)
        finished.append(done)
    await asyncio.gather(*finished)
    wall = time.perf_counter() - started
    return counts[0] / wall, counts[1], (time.process_time() - cpu) / wall


def http_request(port: int, body: bytes, signed: bool) -> bytes:
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET}
    if signed:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        aws = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body, headers=headers)
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "codepipeline", "us-east-1").add_auth(aws)
        headers = dict(aws.headers.items())
    lines = ["POST / HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def check_same_answer(ports: dict[str, int], body: bytes) -> None:
    """Every contender must answer the request with the bare app's status and bytes."""
    import http.client

    answers = {}
    for kind, port in ports.items():
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(http_request(port, body, kind in SIGNED))
            response = http.client.HTTPResponse(sock)
            response.begin()
            answers[kind] = (response.status, response.read())
    for kind, answer in answers.items():
        if answer != answers["bare"]:
            raise SystemExit(f"{kind} answers differently from bare: {answer[0]} {answer[1][:200]!r}")


# --- the job queue alone ------------------------------------------------------------------


def queue_jobs(count: int) -> Any:
    """A queue of `count` jobs of one action type, ProjectName P0..P4 in turn."""
    from pollforjobs import jobqueue

    type_id = {"category": "Test", "owner": "Custom", "provider": "BenchTool", "version": "1"}
    queue = jobqueue.JobQueue()
    queue.add_seed(
        {
            "jobs": [
                {"data": {"actionTypeId": type_id, "actionConfiguration": {"configuration": {"ProjectName": f"P{n % 5}"}}}}
                for n in range(count)
            ]
        }
    )
    return queue


class ListScan:
    """The queue's poll before jobs were indexed: every poll walks and rebuilds the list."""

    def __init__(self, jobs: list[Any]) -> None:
        import threading

        self._lock = threading.Lock()
        self._queued = list(jobs)

    def poll_for_jobs(self, request: Any) -> Any:
        from pollforjobs import models

        limit = request.max_batch_size or 1
        wanted = request.query_param or {}
        with self._lock:
            taken: list[Any] = []
            kept: list[Any] = []
            for job in self._queued:
                if len(taken) < limit and _matches(job, wanted):
                    taken.append(job)
                else:
                    kept.append(job)
            self._queued = kept
        return models.PollForJobsOutput(jobs=taken)


def _matches(job: Any, wanted: dict[str, str]) -> bool:
    if not wanted:
        return True
    config = job.data.action_configuration if job.data else None
    values = (config.configuration if config else None) or {}
    return all(values.get(key) == value for key, value in wanted.items())


def _timed(call: Any) -> float:
    """Seconds `call` takes, with the garbage collector out of the way (as timeit does)."""
    import gc

    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        call()
        return time.perf_counter() - started
    finally:
        gc.enable()


def per_poll_us(queue: Any, request: Any, polls: int) -> float:
    return _timed(lambda: [queue.poll_for_jobs(request) for _ in range(polls)]) / polls * 1e6


def drain(queue: Any, request: Any) -> int:
    polls = 0
    while queue.poll_for_jobs(request).jobs:
        polls += 1
    return polls


def bench_queue(quick: bool) -> None:
    from pollforjobs import models

    type_id = {"category": "Test", "owner": "Custom", "provider": "BenchTool", "version": "1"}
    plain = models.PollForJobsInput.model_validate({"actionTypeId": type_id})
    filtered = models.PollForJobsInput.model_validate({"actionTypeId": type_id, "queryParam": {"ProjectName": "P4"}})
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    polls = 200
    print(f"one poll (µs, mean of {polls}) with N jobs queued   indexed queue   list scan (before)   ratio")
    for size in sizes:
        for name, request in (("maxBatchSize 1", plain), ("queryParam, 1 job in 5", filtered)):
            indexed = queue_jobs(size + polls * 5)
            scan = ListScan(indexed.pending())
            ours, theirs = per_poll_us(indexed, request, polls), per_poll_us(scan, request, polls)
            print(f"  N = {size:>7,}, {name:24} {ours:13.1f} {theirs:20.1f} {theirs / ours:7.0f}x")
    print("\ndrain N jobs, one per poll (s)                 indexed queue   list scan (before)")
    for size in sizes if quick else (1_000, 10_000, 30_000, 100_000):
        indexed = queue_jobs(size)
        scan = ListScan(indexed.pending())
        ours = _timed(lambda q=indexed: drain(q, plain))
        assert indexed.pending() == []
        theirs = f"{_timed(lambda q=scan: drain(q, plain)):20.2f}" if size <= 30_000 else "  (not run: quadratic)"
        print(f"  N = {size:>7,} {'':28} {ours:13.2f} {theirs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--queue", action="store_true", help="the bundled job queue alone: polls and drains")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--log-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.log_file)
        return
    if args.queue:
        bench_queue(args.quick)
        return
    if args.quick:
        args.rounds, args.seconds = 2, 1.0

    log_dir = tempfile.TemporaryDirectory()
    children: dict[str, subprocess.Popen[str]] = {}
    ports: dict[str, int] = {}
    try:
        for kind in CONTENDERS:
            command = [sys.executable, __file__, "--serve", kind, "--log-file", str(Path(log_dir.name) / "access.log")]
            children[kind] = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            assert children[kind].stdout
            ports[kind] = int(children[kind].stdout.readline())
        time.sleep(0.5)
        body = sample_request()
        check_same_answer(ports, body)
        requests = {kind: http_request(port, body, kind in SIGNED) for kind, port in ports.items()}
        for kind in CONTENDERS:  # warm up
            asyncio.run(_load(ports[kind], requests[kind], min(1.0, args.seconds), args.connections))
        results: dict[str, list[tuple[float, int, float]]] = {kind: [] for kind in CONTENDERS}
        for _ in range(args.rounds):
            for kind in CONTENDERS:
                results[kind].append(asyncio.run(_load(ports[kind], requests[kind], args.seconds, args.connections)))
    finally:
        for child in children.values():
            child.terminate()
        for child in children.values():
            child.wait(30)
        log_lines = (
            sum(1 for _ in (Path(log_dir.name) / "access.log").open())
            if (Path(log_dir.name) / "access.log").exists()
            else 0
        )
        log_dir.cleanup()

    parsers = [name for name in ("httptools", "uvloop") if importlib.util.find_spec(name)]
    print(
        f"PollForJobs, {args.connections} keep-alive connections, {args.rounds} rounds of {args.seconds:g} s, "
        f"{os.cpu_count()} CPUs, uvicorn with {', '.join(parsers) or 'h11 and asyncio (no httptools/uvloop)'}"
    )
    print(
        f"request {len(body)} bytes, answer {len(sample_output().model_dump_json(by_alias=True, exclude_none=True))} bytes"
    )
    print()
    bare = {
        signed: statistics.median(r[0] for r in results["bare, signed request" if signed else "bare"])
        for signed in (False, True)
    }
    print("vs bare: against the bare app fed the same request (signed or not)")
    print(f"{'contender':28} {'req/s (median)':>15} {'min..max':>17} {'vs bare':>8} {'load gen CPU':>13}")
    for kind in CONTENDERS:
        rates = [r[0] for r in results[kind]]
        failures = sum(r[1] for r in results[kind])
        median = statistics.median(rates)
        cpu = statistics.median(r[2] for r in results[kind])
        ratio = median / bare[kind in SIGNED]
        note = f"  ({failures} non-200 answers!)" if failures else ""
        print(f"{kind:28} {median:15.0f} {min(rates):8.0f}..{max(rates):<8.0f} {ratio:8.0%} {cpu:13.0%}{note}")
    if log_lines:
        print(f"\n(access log written: {log_lines} lines)")


if __name__ == "__main__":
    main()
