"""Server speed: requests per second of the generated server vs a bare ASGI app, same uvicorn.

Run: python bench/bench_server.py [--quick] [--rounds N] [--seconds S] [--connections C] [--no-stages] [--no-client]
     python bench/bench_server.py --queue [--quick]   (the job queue alone: bench/bench_queue.py)

Each server runs in its own child process (one uvicorn worker, access log off), on two
uvicorn stacks side by side when `uvicorn[standard]` is installed: `h11` (its pure-Python
parser on asyncio's loop, the default install) and `httptools` (its C parser on uvloop). This
process is the load generator: C keep-alive connections driven by asyncio (on uvloop when it
is installed), each sending the same PollForJobs request (the documented sample request) and
reading the whole answer before sending the next. Every server answers with the same bytes:
the documented sample response (with a well-formed job id), as the generated server
serializes it; the run stops if one does not.

Contenders, on each stack:
- bare: an ASGI app that returns those bytes without looking at the request;
- sync handler (defaults): `create_app(handler)` with a plain `def poll_for_jobs` returning the
  output model and every default: sync methods run in threads, so one that blocks holds up no
  other request (the figure a new user gets);
- async handler: the same with `async def poll_for_jobs`;
- sync handler, on the loop: `sync_in_thread=False` (how `python -m pollforjobs.server` runs
  its bundled job queue, which never blocks);
- bare, signed request / sync + SigV4 / async + SigV4: the bare app and the two handlers fed a
  SigV4-signed request, the handlers' apps with `credentials=` so they verify every signature
  (the load generator replays one, valid for the 5-minute window); compare these three with
  each other;
- async + access log (h11 only): the async handler with the INFO access log written to a file.

Rounds are interleaved (every contender once per round). Each figure is the best round (the
machine is shared: a slow round is other work, not the server) with the median beside it;
"vs bare" divides best by best on the same stack. Beside it, the server process's own CPU time
per request answered (user and system, from /proc; the least of the rounds) and the bare app's
over it: what the server costs whatever else the machine runs, the ratio its requests per
second would have where the server's core is the limit, as on a quiet machine. The load generator's CPU share is printed:
near 100% it, not the server, is the limit, and the ratios flatter the slower contenders.
After the table, bench/server_stages.py's figures: the server's own CPU time per request by
stage, in process, and a profile naming where the rest goes; then bench/server_in_uvicorn.py's,
the same stages timed inside a uvicorn server process under the same load; then bench/bench_client.py
against the bare app (`--bare-app`), for the issue's client figures (its own cost and end to
end, against boto3's), so one run prints every figure of issue 15.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import importlib.util
import json
import math
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
    "sync handler (defaults)",
    "async handler",
    "sync handler, on the loop",
    "bare, signed request",
    "sync + SigV4",
    "async + SigV4",
    "async + access log",
)
SIGNED = {"bare, signed request", "sync + SigV4", "async + SigV4"}
H11_ONLY = {"async + access log"}
# requests/s, non-200 answers, the load generator's CPU share, the server's CPU µs per request
Run = tuple[float, int, float, float]
# uvicorn's `http` and `loop` settings of each stack.
STACKS = {"h11": ("h11", "asyncio"), "httptools": ("httptools", "uvloop")}


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
    credentials = {ACCESS_KEY: SECRET_KEY} if kind in SIGNED else None
    if kind == "sync handler, on the loop":
        return create_app(SyncHandler(), sync_in_thread=False)
    if kind.startswith("sync"):
        return create_app(SyncHandler(), credentials=credentials)
    if kind == "async + access log":
        import logging

        handler = logging.FileHandler(log_file or os.devnull)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger = logging.getLogger("pollforjobs.server")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return create_app(AsyncHandler(), credentials=credentials)


def serve(kind: str, stack: str, log_file: str | None, wrap: Any = None) -> None:
    """Serve `kind` on `stack` (the app passed through `wrap` first, when given), printing the
    port before uvicorn listens."""
    import logging

    import uvicorn

    # The handlers serve PollForJobs only: the startup warning about the other operations is
    # not news here.
    logging.getLogger("pollforjobs.server").setLevel(logging.ERROR)
    app = make_app(kind, log_file)
    if wrap is not None:
        app = wrap(app)
    http, loop = STACKS[stack]
    # IPPROTO_TCP, not 0: asyncio turns Nagle off only for sockets that say they are TCP, and
    # with Nagle on, keep-alive answers written in two parts wait for delayed ACKs (~40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", http=http, loop=loop)
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
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport
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


def server_cpu(pid: int) -> float:
    """Seconds of CPU time (user and system) process `pid` has used; NaN where /proc is not."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(port: int, request: bytes, seconds: float, connections: int, pid: int = 0) -> Run:
    loop = asyncio.get_running_loop()
    counts = [0, 0]
    server_before = server_cpu(pid) if pid else math.nan
    cpu, started = time.process_time(), time.perf_counter()
    stop_at = started + seconds
    finished = []
    for _ in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(lambda d=done: _Client(request, stop_at, d, counts), "127.0.0.1", port)
        finished.append(done)
    await asyncio.gather(*finished)
    wall = time.perf_counter() - started
    served = (server_cpu(pid) - server_before) / max(counts[0], 1) * 1e6 if pid else math.nan
    return counts[0] / wall, counts[1], (time.process_time() - cpu) / wall, served


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


def stacks() -> list[str]:
    return [name for name in STACKS if name == "h11" or all(importlib.util.find_spec(m) for m in STACKS[name])]


def best(runs: list[Run]) -> float:
    return max(run[0] for run in runs)


def least_cpu(runs: list[Run]) -> float:
    return min(run[3] for run in runs)


def report(results: dict[tuple[str, str], list[Run]], names: list[str]) -> None:
    print(
        f"{'stack':10} {'contender':26} {'req/s best':>11} {'median':>8} {'vs bare':>8} "
        f"{'server CPU µs/req':>18} {'vs bare':>8} {'load gen CPU':>13}"
    )
    for stack in names:
        for kind in CONTENDERS:
            runs = results.get((stack, kind))
            if not runs:
                continue
            bare_runs = results[(stack, "bare, signed request" if kind in SIGNED else "bare")]
            failures = sum(r[1] for r in runs)
            cpu = statistics.median(r[2] for r in runs)
            note = f"  ({failures} non-200 answers!)" if failures else ""
            median = statistics.median(r[0] for r in runs)
            print(
                f"{stack:10} {kind:26} {best(runs):11.0f} {median:8.0f} {best(runs) / best(bare_runs):8.0%} "
                f"{least_cpu(runs):18.1f} {least_cpu(bare_runs) / least_cpu(runs):8.0%} {cpu:13.0%}{note}"
            )
        print()
    print("targets (issue 15): req/s, best rounds | by the server's CPU per request, least of the rounds")

    def ratios(stack: str, kind: str, bare: str) -> tuple[float, float]:
        runs, bare_runs = results[(stack, kind)], results[(stack, bare)]
        return best(runs) / best(bare_runs), least_cpu(bare_runs) / least_cpu(runs)

    for stack in names:
        wanted = {"h11": (0.80, 0.85), "httptools": (0.60, 0.60)}[stack]
        plain = {kind: ratios(stack, kind, "bare") for kind in ("sync handler (defaults)", "async handler")}
        for (kind, (rate, cpu)), target in zip(plain.items(), wanted, strict=True):
            verdict = " / ".join("met" if value >= target else "NOT met" for value in (rate, cpu))
            print(f"  {stack:10} {kind:26} {rate:5.0%} | {cpu:5.0%} of bare   (target >= {target:.0%}: {verdict})")
        for kind, base in (("sync + SigV4", "sync handler (defaults)"), ("async + SigV4", "async handler")):
            rate, cpu = ratios(stack, kind, "bare, signed request")
            costs = ((plain[base][0] - rate) * 100, (plain[base][1] - cpu) * 100)
            verdict = " / ".join("met" if cost <= 10 else "NOT met" for cost in costs)
            print(
                f"  {stack:10} {kind:26} {rate:5.0%} | {cpu:5.0%} of signed bare: SigV4 costs "
                f"{costs[0]:+.0f} | {costs[1]:+.0f} points   (target <= 10: {verdict})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--queue", action="store_true", help="the bundled job queue alone: polls and drains")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage CPU figures")
    parser.add_argument("--no-client", action="store_true", help="skip the client figures (bench/bench_client.py)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--stack", default="h11", help=argparse.SUPPRESS)
    parser.add_argument("--log-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.stack, args.log_file)
        return
    if args.queue:
        import bench_queue

        bench_queue.bench_queue(args.quick)
        return
    if args.quick:
        args.rounds, args.seconds = 2, 1.0
    names = stacks()
    servers = [(stack, kind) for stack in names for kind in CONTENDERS if stack == "h11" or kind not in H11_ONLY]
    log_dir = tempfile.TemporaryDirectory()
    log_path = Path(log_dir.name) / "access.log"
    children: dict[tuple[str, str], subprocess.Popen[str]] = {}
    ports: dict[tuple[str, str], int] = {}
    run_load = _runner()
    try:
        for stack, kind in servers:
            command = [sys.executable, __file__, "--serve", kind, "--stack", stack, "--log-file", str(log_path)]
            children[(stack, kind)] = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for server, child in children.items():  # started together, read in turn
            assert child.stdout
            ports[server] = int(child.stdout.readline())
        for server, port in ports.items():
            _wait_for(port, children[server])
        body = sample_request()
        for stack in names:
            check_same_answer({kind: port for (s, kind), port in ports.items() if s == stack}, body)
        requests = {server: http_request(port, body, server[1] in SIGNED) for server, port in ports.items()}
        for server in servers:  # warm up
            run_load(_load(ports[server], requests[server], min(1.0, args.seconds), args.connections))
        results: dict[tuple[str, str], list[Run]] = {server: [] for server in servers}
        loads = []
        for _ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for server in servers:
                pid = children[server].pid
                results[server].append(run_load(_load(ports[server], requests[server], args.seconds, args.connections, pid)))
    finally:
        for child in children.values():
            child.terminate()
        for child in children.values():
            child.wait(30)
        log_lines = sum(1 for _ in log_path.open()) if log_path.exists() else 0
        log_dir.cleanup()

    print(
        f"PollForJobs, {args.connections} keep-alive connections, {args.rounds} rounds of {args.seconds:g} s, "
        f"{os.cpu_count()} CPUs, load average {min(loads):.1f}..{max(loads):.1f} during the rounds; "
        f"uvicorn {importlib.metadata.version('uvicorn')} stacks: "
        + ", ".join(f"{name} (http={STACKS[name][0]}, loop={STACKS[name][1]})" for name in names)
        + ("" if "httptools" in names else " (pip install 'uvicorn[standard]' for httptools/uvloop)")
    )
    print(f"request {len(body)} bytes, answer {len(sample_output().model_dump_json(by_alias=True, exclude_none=True))} bytes; "
          "vs bare: against the bare app on the same stack fed the same request (signed or not)\n")
    report(results, names)
    if log_lines:
        print(f"\n(access log written: {log_lines} lines)")
    if not args.no_stages:
        import server_stages

        print()
        server_stages.measure(args.quick)
        import server_in_uvicorn

        print()
        server_in_uvicorn.measure(names, 1.0 if args.quick else args.seconds, args.connections)
    if not args.no_client:
        print("\nthe client against the bare app (bench/bench_client.py --bare-app):", flush=True)
        client = [sys.executable, str(ROOT / "bench" / "bench_client.py"), "--bare-app"] + (["--quick"] if args.quick else [])
        subprocess.run(client, check=True, cwd=ROOT)


def _wait_for(port: int, child: subprocess.Popen[str]) -> None:
    """Until uvicorn accepts connections on `port` (it prints the port before it listens)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or child.poll() is not None:
                raise SystemExit(f"the server on port {port} did not start") from None
            time.sleep(0.05)


def _runner() -> Any:
    """asyncio.run, on uvloop when it is installed: the load generator then costs less CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


if __name__ == "__main__":
    main()
