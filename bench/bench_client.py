"""Client speed: the generated CodePipelineClient vs boto3's, against the same local server.

Run: python bench/bench_client.py [--quick] [--rounds N] [--calls N] [--bare-app]

A uvicorn server in a child process answers every PollForJobs with the documented sample
response, its job id made one that satisfies the spec (as bench/bench_server.py answers; the
documented `ef66c259-64f9-EXAMPLE` breaks the id pattern), on one port, and with the sample
exactly as documented on a second port: the generated server with SigV4 checking when
`pollforjobs.server` exists, else a bare ASGI app returning the same bytes; `--bare-app`
picks that one anyway, to see the clients when the server costs next to nothing. In one run,
in interleaved rounds, this process times per call:

- bare: one keep-alive `http.client` POST of the generated client's signed request bytes, in
  one write, reading the whole answer: the floor set by the server and the loopback;
- generated: `CodePipelineClient.poll_for_jobs(request)` (validation, signing, HTTP,
  error check, reading into the models: a well-formed answer in one pass by pydantic-core);
- generated, documented sample: the same call answered with the sample as documented, which
  the strict pass refuses and the lenient reader (`wire.read_*_response`) then reads;
- boto3: `boto3.client("codepipeline").poll_for_jobs(**request)` (its own parameter
  validation, signing, HTTP, parsing into dicts).

It prints the end-to-end latency of each, each client's own cost (its latency minus bare's:
against a local server most of a call's time is the server's and the socket's, which both
clients pay alike), and the ratios; medians over the rounds, with the spread. The same for
the CPU time of this process's thread per call (`time.thread_time`: the kernel's share of the
socket calls included, the waits for the server not), which the machine's other load moves far
less than latency. Then the import time of `pollforjobs.client` and of `boto3` (python -X
importtime, cumulative, median of several fresh processes) and the time from a fresh process
to the first answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import WELL_FORMED_JOB_ID, reference_samples

ACCESS_KEY = "AKIDBENCHMARK0000001"
SECRET_KEY = "bench/secret/key/0000000000000000000001"
REGION = "us-east-1"
DOCUMENTED_JOB_ID = '"ef66c259-64f9-EXAMPLE"'


def sample_request() -> dict[str, Any]:
    return json.loads(reference_samples()[0])  # type: ignore[no-any-return]


def sample_response(*, well_formed: bool) -> bytes:
    """The documented sample response; `well_formed`: with a job id that satisfies the spec."""
    text = reference_samples()[1]
    assert DOCUMENTED_JOB_ID in text
    return (text.replace(DOCUMENTED_JOB_ID, json.dumps(WELL_FORMED_JOB_ID)) if well_formed else text).encode()


# --- the server (child process) ---------------------------------------------------------


def serve(bare_app: bool) -> None:
    """Child mode: on two free ports, serve the well-formed sample response and the documented
    one; print the two ports, then the server kind."""
    import uvicorn

    bodies = [sample_response(well_formed=True), sample_response(well_formed=False)]
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket says TCP; with proto 0 every answer written in two parts stalls 40 ms.
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) for _ in bodies]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    try:
        if bare_app:
            raise ImportError("--bare-app")
        from pollforjobs import models
        from pollforjobs.server import create_app
        from pollforjobs.wire import read_response

        def answering(output: models.PollForJobsOutput) -> Any:
            class SampleHandler:
                def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
                    return output

            return create_app(SampleHandler(), credentials={ACCESS_KEY: SECRET_KEY})

        apps = {port: answering(read_response(json.loads(body))) for port, body in zip(ports, bodies, strict=True)}

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            await apps[scope["server"][1]](scope, receive, send)

        kind = "generated server (pollforjobs.server.create_app, SigV4 checked)"
    except ImportError:
        by_port = dict(zip(ports, bodies, strict=True))
        headers = [(b"content-type", b"application/x-amz-json-1.1"), (b"x-amzn-requestid", b"bench")]

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:  # type: ignore[misc]
            if scope["type"] != "http":
                return
            while (await receive()).get("more_body"):
                pass
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": by_port[scope["server"][1]]})

        kind = "bare ASGI app returning the sample response" + ("" if bare_app else " (pollforjobs.server not found)")
    print(*ports, flush=True)
    print(kind, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=sockets)


def start_server(bare_app: bool) -> tuple[subprocess.Popen[str], list[int], str]:
    """The child server, its ports (well-formed answers, documented ones) and its kind."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", *(["--bare-app"] if bare_app else [])],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    ports = [int(port) for port in child.stdout.readline().split()]
    kind = child.stdout.readline().strip()
    deadline = time.monotonic() + 20
    while True:
        try:
            for port in ports:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return child, ports, kind
        except OSError:
            if time.monotonic() > deadline or child.poll() is not None:
                child.kill()
                raise SystemExit("the benchmark server did not start") from None
            time.sleep(0.05)


# --- the contenders ---------------------------------------------------------------------


class OneWriteConnection(http.client.HTTPConnection):
    """http.client, writing a request's head and body at once (as botocore's connection and the
    generated client's do): the floor is the fewest writes the bytes can go in."""

    def _send_output(self, message_body: Any = None, encode_chunked: bool = False) -> None:
        self._buffer.extend((b"", b""))  # type: ignore[attr-defined]
        head = b"\r\n".join(self._buffer)  # type: ignore[attr-defined]
        del self._buffer[:]  # type: ignore[attr-defined]
        self.send(head + message_body if message_body else head)


def contenders(
    urls: list[str], request: dict[str, Any]
) -> tuple[dict[str, Callable[[], object]], Any]:
    """The contenders' calls against `urls` (well-formed answers, documented ones), and the
    generated client."""
    import boto3
    import botocore.config
    from pollforjobs._runtime.signing import sign
    from pollforjobs.client import CodePipelineClient

    url = urls[0]
    generated, lenient = (
        CodePipelineClient(
            region_name=REGION, endpoint_url=at, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
        )
        for at in urls
    )
    boto = boto3.client(
        "codepipeline",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=botocore.config.Config(retries={"mode": "standard"}),
    )
    # bare: the generated client's bytes, signed once (the server allows 5 minutes of skew).
    body = json.dumps(request, separators=(",", ":")).encode()
    host = url.removeprefix("http://")
    headers = sign(
        generated._frozen_credentials(),
        "codepipeline",
        REGION,
        "/",
        body,
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "CodePipeline_20150709.PollForJobs", "Host": host},
    )
    connection = OneWriteConnection(*host.split(":"))

    def connect() -> None:
        connection.close()
        connection.connect()
        # As urllib3 (boto3) and the generated client do: without it, Nagle holds the body
        # that http.client writes after the headers until the server's delayed ACK (40 ms).
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def bare() -> object:
        try:
            connection.request("POST", "/", body, headers)
            answer = connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # uvicorn closes a connection idle for 5 s (the other contenders ran that long, on
            # a loaded machine); the two clients reconnect in that case too.
            connect()
            connection.request("POST", "/", body, headers)
            answer = connection.getresponse()
        data = answer.read()
        if answer.status != 200:
            raise SystemExit(f"bare POST answered {answer.status}: {data[:200]!r}")
        return data

    connect()

    def with_generated() -> object:
        return generated.poll_for_jobs(request)

    def with_boto3() -> object:
        return boto.poll_for_jobs(**request)

    def with_lenient() -> object:
        return lenient.poll_for_jobs(request)

    # All must get the sample's one job, with the id they were sent, or the comparison means nothing.
    assert json.loads(bare())["jobs"][0]["id"] == WELL_FORMED_JOB_ID  # type: ignore[arg-type]
    assert generated.poll_for_jobs(request).jobs[0].id == WELL_FORMED_JOB_ID  # type: ignore[index]
    assert boto.poll_for_jobs(**request)["jobs"][0]["id"] == WELL_FORMED_JOB_ID
    assert lenient.poll_for_jobs(request).jobs[0].id == json.loads(DOCUMENTED_JOB_ID)  # type: ignore[index]
    runners = {"bare": bare, "generated": with_generated, "generated, documented sample": with_lenient, "boto3": with_boto3}
    return runners, generated


def measure(
    runners: dict[str, Callable[[], object]], rounds: int, calls: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Microseconds per call, latency and this thread's CPU time, one figure per round per
    contender; rounds interleave them."""
    for run in runners.values():
        for _ in range(calls // 3):
            run()
    latency: dict[str, list[float]] = {name: [] for name in runners}
    cpu: dict[str, list[float]] = {name: [] for name in runners}
    for round_number in range(rounds):
        order = list(runners) if round_number % 2 == 0 else list(reversed(runners))
        for name in order:
            run = runners[name]
            start, start_cpu = time.perf_counter(), time.thread_time()
            for _ in range(calls):
                run()
            cpu[name].append((time.thread_time() - start_cpu) / calls * 1e6)
            latency[name].append((time.perf_counter() - start) / calls * 1e6)
    return latency, cpu


# --- import and cold start (fresh processes) --------------------------------------------


def import_us(module: str, runs: int) -> float:
    """Cumulative microseconds of `import module`: its top-level entry plus its parent packages'."""
    names = {".".join(module.split(".")[: i + 1]) for i in range(module.count(".") + 1)}
    figures = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, check=True
        )
        total = 0
        for line in done.stderr.splitlines():
            parts = line.split("|")
            top_level = len(parts) == 3 and parts[2].startswith(" ") and not parts[2].startswith("  ")
            if top_level and parts[2].strip() in names:
                total += int(parts[1])
        figures.append(total)
    return statistics.median(figures)


COLD = {
    "generated": """
        from pollforjobs.client import CodePipelineClient
        client = CodePipelineClient(region_name="us-east-1", endpoint_url=URL, aws_access_key_id="{key}", aws_secret_access_key="{secret}")
        client.poll_for_jobs(REQUEST)
    """,
    "boto3": """
        import boto3
        client = boto3.client("codepipeline", region_name="us-east-1", endpoint_url=URL, aws_access_key_id="{key}", aws_secret_access_key="{secret}")
        client.poll_for_jobs(**REQUEST)
    """,
}


def cold_start_ms(which: str, url: str, request: dict[str, Any], runs: int) -> float:
    code = "import time, json\nt0 = time.perf_counter()\n"
    code += f"URL = {url!r}\nREQUEST = json.loads({json.dumps(request)!r})\n"
    code += textwrap.dedent(COLD[which].format(key=ACCESS_KEY, secret=SECRET_KEY))
    code += "print((time.perf_counter() - t0) * 1000)\n"
    figures = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(figures)


# --- report -----------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} us  (min {min(values):6.1f}, max {max(values):6.1f})"


def report(title: str, results: dict[str, list[float]]) -> None:
    median = statistics.median
    bare, ours, lenient, boto = (
        results[n] for n in ("bare", "generated", "generated, documented sample", "boto3")
    )
    print(f"{title} per call (median of rounds)")
    print(f"  bare keep-alive POST          {spread(bare)}")
    print(f"  generated client              {spread(ours)}")
    print(f"  generated, documented sample  {spread(lenient)}")
    print(f"  boto3                         {spread(boto)}")
    print(f"  ratio generated/boto3         {median(ours) / median(boto):.2f}x   (target <= 0.55x)")
    print(f"  ratio of the fastest rounds   {min(ours) / min(boto):.2f}x")
    print(f"  documented sample/boto3       {median(lenient) / median(boto):.2f}x\n")
    own = {name: [r - b for r, b in zip(values, bare, strict=True)] for name, values in results.items()}
    print(f"own {title} per call (minus the bare POST's, per round)")
    print(f"  generated client              {spread(own['generated'])}")
    print(f"  generated, documented sample  {spread(own['generated, documented sample'])}")
    print(f"  boto3                         {spread(own['boto3'])}")
    print(f"  ratio generated/boto3         {median(own['generated']) / median(own['boto3']):.2f}x   (target <= 0.25x)")
    print(f"  ratio of the fastest rounds   {(min(ours) - min(bare)) / (min(boto) - min(bare)):.2f}x")
    print(f"  documented sample/boto3       {median(own['generated, documented sample']) / median(own['boto3']):.2f}x\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--calls", type=int, default=None, help="calls per contender per round")
    parser.add_argument("--bare-app", action="store_true", help="serve from a bare ASGI app, not the generated server")
    args = parser.parse_args()
    if args.serve:
        serve(args.bare_app)
        return
    # Many short rounds: on a loaded machine a median of many rounds moves less than of a few.
    rounds = args.rounds or (3 if args.quick else 21)
    calls = args.calls or (100 if args.quick else 200)
    request = sample_request()
    child, ports, kind = start_server(args.bare_app)
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        runners, _ = contenders(urls, request)
        latency, cpu = measure(runners, rounds, calls)
        cold_runs = 3 if args.quick else 7
        cold = {which: cold_start_ms(which, urls[0], request, cold_runs) for which in COLD}
    finally:
        child.terminate()
        child.wait(timeout=10)
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(f"server: {kind}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs; load average {load}")
    print(f"PollForJobs with the documented sample request and response; {rounds} rounds x {calls} calls each\n")
    report("latency", latency)
    report("CPU time", cpu)
    import_runs = 3 if args.quick else 7
    ours_import = import_us("pollforjobs.client", import_runs)
    boto_import = import_us("boto3", import_runs)
    print(f"import time (python -X importtime, cumulative, median of {import_runs} fresh processes)")
    print(f"  import pollforjobs.client  {ours_import / 1000:7.1f} ms  (botocore's signer and credential chain load at the first call)")
    print(f"  import boto3               {boto_import / 1000:7.1f} ms  (clients load their service model when created)")
    print(f"  ratio                      {ours_import / boto_import:.2f}x\n")
    print(f"fresh process to first answer: import, create the client, one call (median of {cold_runs})")
    print(f"  generated client       {cold['generated']:7.1f} ms")
    print(f"  boto3                  {cold['boto3']:7.1f} ms")
    print(f"  ratio                  {cold['generated'] / cold['boto3']:.2f}x")


if __name__ == "__main__":
    main()
