"""The generated client's own CPU time per call, by stage, against a bare local server.

Run: python bench/client_stages.py [--quick]

Each stage of `CodePipelineClient.poll_for_jobs` is timed alone on the documented sample
request (this thread's CPU time, best of 5 runs of N calls, the garbage collector off, as
timeit does): the request's names and nulls, its validation, the JSON body, the headers and
the SigV4 signature, and the reading of the answer into the models, for a well-formed answer (the sample
with a job id that satisfies the spec: one pass through pydantic-core) and for the sample as
documented (its `...-EXAMPLE` job id breaks the id pattern, so it is read leniently). Then the
CPU time of this thread per whole call (`time.thread_time`, which the machine's other load
barely moves), next to a bare keep-alive POST of the same bytes, against a bare ASGI app in a
child process (bench/bench_client.py's); the difference is the client's own work, HTTP
included. Then the stages again, inside whole calls (each wrapped to add up its thread CPU
time): a call starts after a wait on the socket, with caches the machine's other processes
have used, so each stage costs more there than alone. A cProfile of the whole calls then
names the functions the time goes to.
"""

from __future__ import annotations

import argparse
import cProfile
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


def best_us(call: Callable[[], object], number: int) -> float:
    """This thread's CPU microseconds per call, best of 5 (time the scheduler gives to the
    machine's other load is not counted)."""
    return min(timeit.repeat(call, number=number, repeat=5, timer=time.thread_time)) / number * 1e6


def cpu_us(call: Callable[[], object], number: int, repeat: int = 5) -> float:
    """Best of `repeat` runs: this thread's CPU microseconds per call (the kernel's share of
    the socket calls included)."""
    figures = []
    for _ in range(repeat):
        start = time.thread_time()
        for _ in range(number):
            call()
        figures.append((time.thread_time() - start) / number * 1e6)
    return min(figures)


def stages_inside_calls(client: Any, call: Callable[[], object], number: int) -> dict[str, float]:
    """Each stage's CPU time per call inside `number` whole calls, and the whole call's."""
    import pollforjobs._runtime.client as core
    from pollforjobs import validators

    spent: dict[str, int] = {}

    def timed(owner: Any, attribute: str, name: str) -> None:
        original = getattr(owner, attribute)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time_ns()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0) + time.thread_time_ns() - start

        setattr(owner, attribute, wrapper)

    timed(client, "_payload", "request names and nulls")
    timed(validators, "validate_poll_for_jobs_request", "validate request")
    timed(client._codec, "encode_request", "serialize (JSON body)")
    timed(core, "sign", "headers and SigV4")
    timed(client._pool, "post", "HTTP: send, receive, read the answer")
    timed(client, "_read", "read the answer into the models")
    for _ in range(number // 5):
        call()
    spent.clear()
    start = time.thread_time_ns()
    for _ in range(number):
        call()
    whole = time.thread_time_ns() - start
    figures = {name: value / number / 1000 for name, value in spent.items()}
    figures["whole call"] = whole / number / 1000
    figures["the rest (calls between the stages)"] = figures["whole call"] - sum(spent.values()) / number / 1000
    return figures


def measure(quick: bool) -> None:
    import bench_client
    from pollforjobs import models, validators, wire
    from pollforjobs._runtime.protocols.json_codec import JSON
    from pollforjobs._runtime.signing import sign

    number = 2_000 if quick else 10_000
    request = bench_client.sample_request()
    child, ports, _kind = bench_client.start_server(bare_app=True)
    try:
        runners, client = bench_client.contenders([f"http://127.0.0.1:{port}" for port in ports], request)
        well_formed = bench_client.sample_response(well_formed=True)
        documented = bench_client.sample_response(well_formed=False)
        payload = client._payload(request, {}, models.PollForJobsInput)
        body = JSON.encode_request(payload, models.PollForJobsInput)
        path, template = client._request_for("PollForJobs")
        credentials = client._frozen_credentials()
        stages: dict[str, Callable[[], object]] = {
            "request names and nulls (a dict)": lambda: client._payload(request, {}, models.PollForJobsInput),
            "validate request": lambda: validators.validate_poll_for_jobs_request(payload),
            "serialize (JSON body)": lambda: JSON.encode_request(payload, models.PollForJobsInput),
            "headers and SigV4": lambda: sign(credentials, "codepipeline", client.region_name, path, body, template),
            "read a well-formed answer": lambda: JSON.read_model(
                well_formed, models.PollForJobsOutput, wire.read_poll_for_jobs_response
            ),
            "read the documented sample (lenient)": lambda: JSON.read_model(
                documented, models.PollForJobsOutput, wire.read_poll_for_jobs_response
            ),
        }
        figures = {name: best_us(call, number) for name, call in stages.items()}
        print(f"client CPU per call by stage, in process (µs, best of 5 x {number:,} calls)")
        for name, value in figures.items():
            print(f"  {name:40} {value:7.2f}")
        calls = number // 10
        whole = {name: cpu_us(run, calls) for name, run in runners.items()}
        print(f"\nCPU time of this thread per whole call (µs, best of 5 x {calls:,} calls)")
        for name, value in whole.items():
            own = "" if name == "bare" else f"   (less the bare POST: {value - whole['bare']:7.2f})"
            print(f"  {name:40} {value:7.2f}{own}")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(calls):
            runners["generated"]()
        profile.disable()
        inside = stages_inside_calls(client, runners["generated"], calls * 5)
        print(f"\nthe stages inside whole calls (µs of this thread's CPU, {calls * 5:,} calls)")
        for name, value in inside.items():
            print(f"  {name:40} {value:7.2f}")
    finally:
        child.terminate()
        child.wait(timeout=10)
    print("\nprofile of the generated client's whole call (cProfile, the functions with most own time):")
    stats = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    total = sum(row[1][2] for row in rows)
    for (filename, line, function), (_, _calls, own, _cumulative, _) in rows[:15]:
        where = f"{Path(filename).name}:{line}" if line else "(built-in)"
        print(f"  {own / total:5.1%}  {function[:60]:60} {where}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls")
    measure(parser.parse_args().quick)


if __name__ == "__main__":
    main()
