"""Client speed: the generated CodePipelineClient vs boto3's, against the same local server.

Run: python bench/bench_client.py [--quick] [--rounds N] [--calls N] [--bare-app]

A uvicorn server in a child process answers every PollForJobs with the documented sample
response (the generated server with SigV4 checking when `pollforjobs.server` exists, else a
bare ASGI app returning the same bytes; `--bare-app` picks that one anyway, to see the clients
when the server costs next to nothing). In one run, in interleaved rounds, this process
times per call:

- bare: one keep-alive `http.client` POST of the generated client's signed request bytes,
  reading the whole answer: the floor set by the server and the loopback;
- generated: `CodePipelineClient.poll_for_jobs(request)` (validation, signing, HTTP,
  error check, lenient reading into the models);
- boto3: `boto3.client("codepipeline").poll_for_jobs(**request)` (its own parameter
  validation, signing, HTTP, parsing into dicts).

It prints the end-to-end latency of each, each client's own cost (its latency minus bare's:
against a local server most of a call's time is the server's and the socket's, which both
clients pay alike), and the ratios; medians over the rounds, with the spread. Then the import
time of `pollforjobs.client` and of `boto3` (python -X importtime, cumulative, median of
several fresh processes) and the time from a fresh process to the first answer.
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

from tests.conftest import reference_samples

ACCESS_KEY = "AKIDBENCHMARK0000001"
SECRET_KEY = "bench/secret/key/0000000000000000000001"
REGION = "us-east-1"


# --- the server (child process) ---------------------------------------------------------


def serve(bare_app: bool) -> None:
    """Child mode: serve the sample response on a free port; print the port, then the server kind."""
    import uvicorn

    response_text = reference_samples()[1]
    body = response_text.encode()
    try:
        if bare_app:
            raise ImportError("--bare-app")
        from pollforjobs import models
        from pollforjobs.server import create_app
        from pollforjobs.wire import read_response

        output = read_response(json.loads(response_text))

        class SampleHandler:
            def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
                return output

        app: Any = create_app(SampleHandler(), credentials={ACCESS_KEY: SECRET_KEY})
        kind = "generated server (pollforjobs.server.create_app, SigV4 checked)"
    except ImportError:

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            while (await receive()).get("more_body"):
                pass
            headers = [(b"content-type", b"application/x-amz-json-1.1"), (b"x-amzn-requestid", b"bench")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        kind = "bare ASGI app returning the sample response" + ("" if bare_app else " (pollforjobs.server not found)")
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket says TCP; with proto 0 every answer written in two parts stalls 40 ms.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    print(kind, flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def start_server(bare_app: bool) -> tuple[subprocess.Popen[str], int, str]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", *(["--bare-app"] if bare_app else [])],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    port = int(child.stdout.readline())
    kind = child.stdout.readline().strip()
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return child, port, kind
        except OSError:
            if time.monotonic() > deadline or child.poll() is not None:
                child.kill()
                raise SystemExit("the benchmark server did not start") from None
            time.sleep(0.05)


# --- the contenders ---------------------------------------------------------------------


def contenders(url: str, request: dict[str, Any]) -> dict[str, Callable[[], object]]:
    import boto3
    import botocore.config
    from pollforjobs._runtime.signing import sign
    from pollforjobs.client import CodePipelineClient

    generated = CodePipelineClient(
        region_name=REGION, endpoint_url=url, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
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
    connection = http.client.HTTPConnection(*host.split(":"))

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

    # All three must get the sample's one job, or the comparison means nothing.
    assert json.loads(bare())["jobs"][0]["nonce"] == "3"  # type: ignore[arg-type]
    assert generated.poll_for_jobs(request).jobs[0].nonce == "3"  # type: ignore[index]
    assert boto.poll_for_jobs(**request)["jobs"][0]["nonce"] == "3"
    return {"bare": bare, "generated": with_generated, "boto3": with_boto3}


def measure(runners: dict[str, Callable[[], object]], rounds: int, calls: int) -> dict[str, list[float]]:
    """Microseconds per call, one figure per round per contender; rounds interleave them."""
    for run in runners.values():
        for _ in range(calls // 3):
            run()
    results: dict[str, list[float]] = {name: [] for name in runners}
    for round_number in range(rounds):
        order = list(runners) if round_number % 2 == 0 else list(reversed(runners))
        for name in order:
            run = runners[name]
            start = time.perf_counter()
            for _ in range(calls):
                run()
            results[name].append((time.perf_counter() - start) / calls * 1e6)
    return results


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
    rounds = args.rounds or (3 if args.quick else 9)
    calls = args.calls or (100 if args.quick else 400)
    request = json.loads(reference_samples()[0])
    child, port, kind = start_server(args.bare_app)
    try:
        url = f"http://127.0.0.1:{port}"
        results = measure(contenders(url, request), rounds, calls)
        cold_runs = 3 if args.quick else 7
        cold = {which: cold_start_ms(which, url, request, cold_runs) for which in COLD}
    finally:
        child.terminate()
        child.wait(timeout=10)
    bare, ours, boto = (results[n] for n in ("bare", "generated", "boto3"))
    own_ours = [g - b for g, b in zip(ours, bare, strict=True)]
    own_boto = [o - b for o, b in zip(boto, bare, strict=True)]
    median = statistics.median
    print(f"server: {kind}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"PollForJobs with the documented sample request and response; {rounds} rounds x {calls} calls each\n")
    print("end-to-end latency per call (median of rounds)")
    print(f"  bare keep-alive POST   {spread(bare)}")
    print(f"  generated client       {spread(ours)}")
    print(f"  boto3                  {spread(boto)}")
    print(f"  ratio generated/boto3  {median(ours) / median(boto):.2f}x   (target <= 0.50x)")
    print(f"  ratio of the fastest rounds  {min(ours) / min(boto):.2f}x\n")
    print("own cost per call (latency minus the bare POST's, per round)")
    print(f"  generated client       {spread(own_ours)}")
    print(f"  boto3                  {spread(own_boto)}")
    print(f"  ratio generated/boto3  {median(own_ours) / median(own_boto):.2f}x")
    print(f"  ratio of the fastest rounds  {(min(ours) - min(bare)) / (min(boto) - min(bare)):.2f}x\n")
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
