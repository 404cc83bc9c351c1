"""Smithy RPC v2 CBOR against AWS JSON 1.1, same payloads: the server's cost and the client's.

Run: python bench/bench_cbor.py [--quick] [--rounds N] [--calls N]
     python bench/bench_cbor.py --instructions [--calls N]   (section 1 in instructions, valgrind)

The CBOR request is timed as two senders write it: botocore's serializer (map keys in the
caller's order: cbor2 reads it) and this package's client (libipld, keys in DAG-CBOR's order:
libipld reads it).

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
import os
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
UNTIMED = 300
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


JSON = "AWS JSON 1.1"
BOTOCORE = "RPC v2 CBOR, botocore's bytes"
OURS = "RPC v2 CBOR, this client's bytes"


def request_bodies() -> dict[str, bytes]:
    """The sample request as each sender writes it: AWS JSON; CBOR as botocore's serializer writes
    it (map keys in the caller's order); CBOR as this package's client writes it (libipld: keys
    in DAG-CBOR's order, which the server reads with libipld)."""
    import botocore.session
    from botocore.serialize import create_serializer
    from pollforjobs import models
    from pollforjobs._runtime.protocols.cbor_codec import CBOR

    request = json.loads(reference_samples()[0])
    operation = botocore.session.get_session().get_service_model("codepipeline").operation_model("PollForJobs")
    botocore_body = create_serializer("smithy-rpc-v2-cbor").serialize_to_request(request, operation)["body"]
    ours = CBOR.encode_request(request, models.PollForJobsInput)
    if cbor2.loads(botocore_body) != request or cbor2.loads(ours) != request or ours == botocore_body:
        raise SystemExit("the CBOR payloads are not the sample request in two key orders")
    return {JSON: json.dumps(request, separators=(",", ":")).encode(), BOTOCORE: botocore_body, OURS: ours}


def requests_in_both(host: str) -> dict[str, tuple[str, dict[str, str], bytes]]:
    found = {}
    for name, body in request_bodies().items():
        path, headers = ("/", JSON_HEADERS) if name == JSON else (CBOR_PATH, CBOR_HEADERS)
        found[name] = (path, signed(path, body, headers, host), body)
    return found


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

    async def many(count: int) -> None:
        for _ in range(count):
            await app(scope, receive, send)

    def run() -> float:
        # Untimed first: after another payload's round the server's CBOR reader sends the next
        # 256 bodies straight to cbor2 (cbor_reader._CBOR2_BODIES); a server with one kind of
        # client is past that.
        loop.run_until_complete(many(UNTIMED))
        statuses.clear()
        start, start_cpu = time.perf_counter(), time.thread_time()
        loop.run_until_complete(many(calls))
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
    from pollforjobs._runtime.protocols.json_codec import JSON as JSON_CODEC
    from pollforjobs.wire import read_response

    from bench.cbor_direct_writer import ModelWriter

    bodies = request_bodies()
    output = read_response(json.loads(reference_samples()[1]))
    writer = ModelWriter()
    if cbor2.loads(writer.write(output)) != cbor2.loads(CBOR.encode_model(output)):
        raise SystemExit("the direct writer's answer differs from the codec's")
    return {
        "read request, AWS JSON": timed(lambda: JSON_CODEC.decode_request(bodies[JSON]), calls, time.thread_time),
        **{f"read request, {payload}": timed(lambda body=bodies[payload]: CBOR.decode_request(body), calls, time.thread_time) for payload in (BOTOCORE, OURS)},
        "write answer, AWS JSON": timed(lambda: JSON_CODEC.encode_model(output), calls, time.thread_time),
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


def in_process_runners(calls: int) -> tuple[dict[str, Callable[[], float]], dict[str, list[float]]]:
    """Section 1's contenders: each payload, without and with SigV4 checked."""
    runners: dict[str, Callable[[], float]] = {}
    cpu: dict[str, list[float]] = {}
    for signed_label, credentials in (("", None), (", SigV4 checked", {ACCESS_KEY: SECRET_KEY})):
        app = sample_app(credentials)
        for name, (path, headers, body) in requests_in_both("codepipeline.us-east-1.amazonaws.com").items():
            cpu[f"{name}{signed_label}"] = []
            runners[f"{name}{signed_label}"] = in_process_runner(app, path, headers, body, calls, cpu[f"{name}{signed_label}"])
    return runners, cpu


def counted_run(calls: int) -> None:
    """Under valgrind: each of section 1's contenders for `calls` requests, between markers (a
    call to binascii.crc_hqx, which makes callgrind dump its counts)."""
    import binascii

    runners, _ = in_process_runners(calls)
    print(json.dumps(list(runners)), flush=True)
    for run in runners.values():
        run()  # warm (and the runner's own untimed requests)
        binascii.crc_hqx(b"", 0)
        run()
        binascii.crc_hqx(b"", 0)


def instructions(calls: int) -> None:
    """Instructions per request of section 1's contenders, counted by valgrind's callgrind: the
    same on a loaded machine, where the clocks are not."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        command = ["valgrind", "--tool=callgrind", "--dump-before=binascii_crc_hqx*", f"--callgrind-out-file={folder}/out"]
        done = subprocess.run([*command, sys.executable, __file__, "--counted", str(calls)], capture_output=True, text=True, check=True)
        names = json.loads(done.stdout.splitlines()[0])
        # out.1 is the start-up and the first warm run, then each counted run and the next warm run;
        # a run makes its UNTIMED requests first, so a count covers calls + UNTIMED requests.
        counts = [int((Path(folder) / f"out.{i}").read_text().split("\nsummary: ", 1)[1].split()[0]) for i in range(2, 2 + 2 * len(names), 2)]
    figures = dict(zip(names, (count / (calls + UNTIMED) for count in counts), strict=True))
    print(f"instructions per request, the server in process (valgrind callgrind, {calls + UNTIMED} requests each)")
    for name, value in figures.items():
        print(f"   {name:<48} {value:10,.0f}")
    for label in ("", ", SigV4 checked"):
        for payload in (BOTOCORE, OURS):
            print(f"   CBOR / JSON{label}, {payload[13:]}: {figures[payload + label] / figures[JSON + label]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--calls", type=int)
    parser.add_argument("--instructions", action="store_true", help="count instructions per request under valgrind instead (section 1 only)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--counted", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    if args.counted:
        counted_run(args.counted)
        return
    if os.environ.get("RUST_BACKTRACE", "0") != "0" or os.environ.get("RUST_LIB_BACKTRACE", "0") != "0":
        print("note: RUST_BACKTRACE is set: each body libipld refuses costs a backtrace (about 5 µs, 1.5 without)")
    if args.instructions:
        instructions(args.calls or 500)
        return
    rounds = args.rounds or (3 if args.quick else 9)
    calls = args.calls or (300 if args.quick else 1500)

    print(f"1. the server in process ({rounds} rounds of {calls} requests)")
    runners, cpu = in_process_runners(calls)
    results = interleaved(runners, rounds)
    for clock, figures in (("wall clock", results), ("CPU time of the thread", {name: values[-rounds:] for name, values in cpu.items()})):
        print(f"   {clock}:")
        for name, values in figures.items():
            print(f"   {name:<48} {spread(values)}")
        for label in ("", ", SigV4 checked"):
            plain = figures[f"{JSON}{label}"]
            for payload in (BOTOCORE, OURS):
                cbor = figures[f"{payload}{label}"]
                print(f"   CBOR / JSON{label}, {payload[13:]}: {statistics.median(cbor) / statistics.median(plain):.2f} (medians), {min(cbor) / min(plain):.2f} (bests)")

    child, port = start_server()
    try:
        # The loopback's spread is far wider than the in-process figures': three times the rounds.
        http_rounds = rounds * 3
        print(f"2. over HTTP, the generated server under uvicorn ({http_rounds} rounds of {calls // 3} calls)")
        http_cpu: dict[str, list[float]] = {}
        results = interleaved(http_runners(port, calls // 3, http_cpu), http_rounds)
    finally:
        child.terminate()
        child.wait(10)
    for name, values in results.items():
        print(f"   {name:<48} {spread(values)}")
    median = {name: statistics.median(values) for name, values in results.items()}
    # Each client less the bare POST of the bytes it sends (the generated client writes CBOR
    # with libipld: this client's bytes).
    sends = {"awsJson1_1": JSON, "rpcv2Cbor": OURS}
    json_own = median["client, awsJson1_1"] - median[f"bare POST, {JSON}"]
    cbor_own = median["client, rpcv2Cbor"] - median[f"bare POST, {OURS}"]
    for payload in (BOTOCORE, OURS):
        print(f"   server + loopback, CBOR / JSON, {payload[13:]}: {median[f'bare POST, {payload}'] / median[f'bare POST, {JSON}']:.2f}")
    print(f"   client's own cost (wall clock): JSON {json_own:.1f} us, CBOR {cbor_own:.1f} us (CBOR / JSON {cbor_own / json_own:.2f})")
    print("   CPU time of this thread per call (the caller's side only; the server is another process):")
    for name, values in http_cpu.items():
        print(f"   {name:<48} {spread(values[-http_rounds:])}")
    for pick, label in ((statistics.median, "medians"), (min, "bests")):
        own = {p: pick(http_cpu[f"client, {p}"][-http_rounds:]) - pick(http_cpu[f"bare POST, {b}"][-http_rounds:]) for p, b in sends.items()}
        print(f"   client's own CPU ({label}): JSON {own['awsJson1_1']:.1f} us, CBOR {own['rpcv2Cbor']:.1f} us (CBOR / JSON {own['rpcv2Cbor'] / own['awsJson1_1']:.2f})")

    print(f"3. the codec steps alone ({rounds * 3} rounds of {calls} calls; best of the rounds, CPU time of the thread)")
    results = interleaved(codec_runners(calls), rounds * 3)
    best = {name: min(values) for name, values in results.items()}
    for name, value in best.items():
        print(f"   {name:<48} {value:6.2f} us")
    for payload in (BOTOCORE, OURS):
        print(f"   read, CBOR / JSON, {payload[13:]}: {best[f'read request, {payload}'] / best['read request, AWS JSON']:.2f}")
    print(f"   write, CBOR / JSON: {best['write answer, CBOR'] / best['write answer, AWS JSON']:.2f}; direct writer / CBOR: {best['write answer, CBOR direct (proto)'] / best['write answer, CBOR']:.2f}")


if __name__ == "__main__":
    main()
