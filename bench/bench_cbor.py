"""Smithy RPC v2 CBOR against AWS JSON 1.1, same payloads: the server's cost and the client's.

Run: python bench/bench_cbor.py [--quick] [--rounds N] [--calls N]

1. Server, in process: the generated ASGI app called directly (no socket, no uvicorn) with the
   documented sample request, answering the documented sample response through a handler that
   returns it: microseconds per request in each protocol, without and with SigV4 checking.
2. Over HTTP: the generated server (SigV4 checked) under uvicorn in a child process. This
   process times, per call: a bare keep-alive POST of the signed request bytes in each protocol
   (the server's answer plus the loopback: the two differ by the server's protocol cost), and
   the generated client in each mode (`protocol="awsJson1_1"`, `protocol="rpcv2Cbor"`); each
   client's own cost is its time minus the bare POST of its protocol.
3. The codec steps alone, same payloads: reading the request body (JSON: json with the
   protocol's checks; CBOR: cbor2 held to the protocol's rules) and writing the answer (JSON:
   pydantic-core's `to_json`; CBOR: pydantic-core's `to_python` then cbor2), beside a
   prototype that writes the CBOR answer straight from the model in Python
   (bench/cbor_direct_writer.py, checked here to decode to the same value). Best of the rounds,
   in CPU time of the thread.

Rounds interleave the contenders; figures are medians over the rounds, with the spread (its
low end is the best round); section 3 gives the best rounds. Section 1 gives the wall clock
and the CPU time of its thread, which a busy machine stretches far less (a process that waits
for a core spends no CPU time meanwhile).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import reference_samples

ACCESS_KEY = "AKIDBENCHCBOR0000001"
SECRET_KEY = "bench/cbor/secret/00000000000000000001"
REGION = "us-east-1"
CBOR_PATH = "/service/CodePipeline_20150709/operation/PollForJobs"
JSON_HEADERS = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "CodePipeline_20150709.PollForJobs"}
CBOR_HEADERS = {"Content-Type": "application/cbor", "Accept": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor"}


def sample_app(credentials: dict[str, str] | None) -> Any:
    from pollforjobs import models
    from pollforjobs.server import create_app
    from pollforjobs.wire import read_response

    output = read_response(json.loads(reference_samples()[1]))

    class SampleHandler:
        def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
            return output

    return create_app(SampleHandler(), credentials=credentials, sync_in_thread=False)


def signed(path: str, body: bytes, headers: dict[str, str], host: str) -> dict[str, str]:
    from pollforjobs._runtime.endpoint import StaticCredentials
    from pollforjobs._runtime.signing import sign

    return sign(StaticCredentials(ACCESS_KEY, SECRET_KEY, None), "codepipeline", REGION, path, body, {**headers, "Host": host})


def requests_in_both(host: str) -> dict[str, tuple[str, dict[str, str], bytes]]:
    request = json.loads(reference_samples()[0])
    json_body = json.dumps(request, separators=(",", ":")).encode()
    cbor_body = cbor2.dumps(request)
    return {
        "AWS JSON 1.1": ("/", signed("/", json_body, JSON_HEADERS, host), json_body),
        "RPC v2 CBOR": (CBOR_PATH, signed(CBOR_PATH, cbor_body, CBOR_HEADERS, host), cbor_body),
    }


def in_process_runner(app: Any, path: str, headers: dict[str, str], body: bytes, calls: int, cpu: list[float]) -> Callable[[], float]:
    """Wall-clock microseconds per request; each round's CPU time of this thread (the app runs
    on it: no thread, no socket) is appended to `cpu`, which the machine's load cannot
    stretch by making the process wait."""
    scope = {"type": "http", "method": "POST", "path": path, "query_string": b"", "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    loop = asyncio.new_event_loop()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def many() -> None:
        for _ in range(calls):
            await app(scope, receive, send)

    def run() -> float:
        statuses.clear()
        start, start_cpu = time.perf_counter(), time.thread_time()
        loop.run_until_complete(many())
        elapsed = (time.perf_counter() - start) / calls * 1e6
        cpu.append((time.thread_time() - start_cpu) / calls * 1e6)
        if set(statuses) != {200}:
            raise SystemExit(f"{path} answered {sorted(set(statuses))}")
        return elapsed

    return run


def interleaved(runners: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    for run in runners.values():
        run()
    results: dict[str, list[float]] = {name: [] for name in runners}
    for number in range(rounds):
        for name in list(runners) if number % 2 == 0 else list(reversed(runners)):
            results[name].append(runners[name]())
    return results


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f} us  ({min(values):.1f}-{max(values):.1f})"


def serve() -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(sample_app({ACCESS_KEY: SECRET_KEY}), log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def start_server() -> tuple[subprocess.Popen[str], int]:
    child = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    port = int(child.stdout.readline())
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return child, port
        except OSError:
            if time.monotonic() > deadline or child.poll() is not None:
                child.kill()
                raise SystemExit("the benchmark server did not start") from None
            time.sleep(0.05)


def http_runners(port: int, calls: int, cpu: dict[str, list[float]]) -> dict[str, Callable[[], float]]:
    from pollforjobs.client import CodePipelineClient

    host = f"127.0.0.1:{port}"
    request = json.loads(reference_samples()[0])
    runners: dict[str, Callable[[], float]] = {}
    for name, (path, headers, body) in requests_in_both(host).items():
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def bare(connection: http.client.HTTPConnection = connection, path: str = path, headers: dict[str, str] = headers, body: bytes = body) -> None:
            try:
                connection.request("POST", path, body, headers)
                answer = connection.getresponse()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # uvicorn closes a connection idle for 5 s (while the other contenders ran).
                connection.close()
                connection.connect()
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                connection.request("POST", path, body, headers)
                answer = connection.getresponse()
            data = answer.read()
            if answer.status != 200:
                raise SystemExit(f"bare POST answered {answer.status}: {data[:200]!r}")

        runners[f"bare POST, {name}"] = timed(bare, calls, cpu=cpu.setdefault(f"bare POST, {name}", []))
    for protocol in ("awsJson1_1", "rpcv2Cbor"):
        client = CodePipelineClient(region_name=REGION, endpoint_url=f"http://{host}", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, protocol=protocol)
        jobs = client.poll_for_jobs(request).jobs
        assert jobs is not None and jobs[0].nonce == "3"
        runners[f"client, {protocol}"] = timed(lambda client=client: client.poll_for_jobs(request), calls, cpu=cpu.setdefault(f"client, {protocol}", []))
    return runners


def codec_runners(calls: int) -> dict[str, Callable[[], float]]:
    from pollforjobs._runtime.protocols.cbor_codec import CBOR
    from pollforjobs._runtime.protocols.json_codec import JSON
    from pollforjobs.wire import read_response

    from bench.cbor_direct_writer import ModelWriter

    request = json.loads(reference_samples()[0])
    json_body = json.dumps(request, separators=(",", ":")).encode()
    cbor_body = cbor2.dumps(request)
    output = read_response(json.loads(reference_samples()[1]))
    writer = ModelWriter()
    if cbor2.loads(writer.write(output)) != cbor2.loads(CBOR.encode_model(output)):
        raise SystemExit("the direct writer's answer differs from the codec's")
    return {
        "read request, AWS JSON": timed(lambda: JSON.decode_request(json_body), calls, time.thread_time),
        "read request, CBOR": timed(lambda: CBOR.decode_request(cbor_body), calls, time.thread_time),
        "write answer, AWS JSON": timed(lambda: JSON.encode_model(output), calls, time.thread_time),
        "write answer, CBOR": timed(lambda: CBOR.encode_model(output), calls, time.thread_time),
        "write answer, CBOR direct (proto)": timed(lambda: writer.write(output), calls, time.thread_time),
    }


def timed(call: Callable[[], object], calls: int, clock: Callable[[], float] = time.perf_counter, cpu: list[float] | None = None) -> Callable[[], float]:
    """Microseconds per call by `clock`; with `cpu`, each round's CPU time of this thread per
    call is appended to it too (the server runs in another process: this is the caller's)."""

    def run() -> float:
        start, start_cpu = clock(), time.thread_time()
        for _ in range(calls):
            call()
        if cpu is not None:
            cpu.append((time.thread_time() - start_cpu) / calls * 1e6)
        return (clock() - start) / calls * 1e6

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--calls", type=int)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    rounds = args.rounds or (3 if args.quick else 9)
    calls = args.calls or (300 if args.quick else 1500)

    print(f"1. the server in process ({rounds} rounds of {calls} requests)")
    runners: dict[str, Callable[[], float]] = {}
    cpu: dict[str, list[float]] = {}
    for signed_label, credentials in (("", None), (", SigV4 checked", {ACCESS_KEY: SECRET_KEY})):
        app = sample_app(credentials)
        for name, (path, headers, body) in requests_in_both("codepipeline.us-east-1.amazonaws.com").items():
            cpu[f"{name}{signed_label}"] = []
            runners[f"{name}{signed_label}"] = in_process_runner(app, path, headers, body, calls, cpu[f"{name}{signed_label}"])
    results = interleaved(runners, rounds)
    for clock, figures in (("wall clock", results), ("CPU time of the thread", {name: values[-rounds:] for name, values in cpu.items()})):
        print(f"   {clock}:")
        for name, values in figures.items():
            print(f"   {name:<32} {spread(values)}")
        for label in ("", ", SigV4 checked"):
            cbor, plain = figures[f"RPC v2 CBOR{label}"], figures[f"AWS JSON 1.1{label}"]
            print(f"   CBOR / JSON{label}: {statistics.median(cbor) / statistics.median(plain):.2f} (medians), {min(cbor) / min(plain):.2f} (bests)")

    child, port = start_server()
    try:
        print(f"2. over HTTP, the generated server under uvicorn ({rounds} rounds of {calls // 3} calls)")
        http_cpu: dict[str, list[float]] = {}
        results = interleaved(http_runners(port, calls // 3, http_cpu), rounds)
    finally:
        child.terminate()
        child.wait(10)
    for name, values in results.items():
        print(f"   {name:<32} {spread(values)}")
    median = {name: statistics.median(values) for name, values in results.items()}
    json_own = median["client, awsJson1_1"] - median["bare POST, AWS JSON 1.1"]
    cbor_own = median["client, rpcv2Cbor"] - median["bare POST, RPC v2 CBOR"]
    print(f"   server + loopback, CBOR / JSON: {median['bare POST, RPC v2 CBOR'] / median['bare POST, AWS JSON 1.1']:.2f}")
    print(f"   client's own cost (wall clock): JSON {json_own:.1f} us, CBOR {cbor_own:.1f} us (CBOR / JSON {cbor_own / json_own:.2f})")
    print("   CPU time of this thread per call (the caller's side only; the server is another process):")
    for name, values in http_cpu.items():
        print(f"   {name:<32} {spread(values[-rounds:])}")
    for pick, label in ((statistics.median, "medians"), (min, "bests")):
        own = {p: pick(http_cpu[f"client, {p}"][-rounds:]) - pick(http_cpu[f"bare POST, {b}"][-rounds:]) for p, b in (("awsJson1_1", "AWS JSON 1.1"), ("rpcv2Cbor", "RPC v2 CBOR"))}
        print(f"   client's own CPU ({label}): JSON {own['awsJson1_1']:.1f} us, CBOR {own['rpcv2Cbor']:.1f} us (CBOR / JSON {own['rpcv2Cbor'] / own['awsJson1_1']:.2f})")

    print(f"3. the codec steps alone ({rounds * 3} rounds of {calls} calls; best of the rounds, CPU time of the thread)")
    results = interleaved(codec_runners(calls), rounds * 3)
    best = {name: min(values) for name, values in results.items()}
    for name, value in best.items():
        print(f"   {name:<36} {value:6.2f} us")
    print(f"   read, CBOR / JSON: {best['read request, CBOR'] / best['read request, AWS JSON']:.2f}")
    print(f"   write, CBOR / JSON: {best['write answer, CBOR'] / best['write answer, AWS JSON']:.2f}; direct writer / CBOR: {best['write answer, CBOR direct (proto)'] / best['write answer, CBOR']:.2f}")


if __name__ == "__main__":
    main()
