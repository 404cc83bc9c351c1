"""The bundled job queue alone (no HTTP): the time of one poll with 1,000 to 100,000 jobs
queued, and of draining a queue one job per poll, against a list scan (the queue's poll before
it indexed jobs by action type and configuration setting, copied here).

With `--before REF` the package of that git revision (`generated/pollforjobs` there) is loaded
beside this tree's and measured in the same run, in turn with it, best of `--repeat` rounds.

Run: python bench/bench_queue.py [--quick] [--before REF] [--repeat N] [--sizes N ...]
     (or python bench/bench_server.py --queue)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def package_at(ref: str) -> Any:
    """The `pollforjobs` package of git revision `ref`, imported as `pollforjobs_at_REF`."""
    import importlib
    import importlib.util
    import re
    import subprocess
    import tarfile
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="bench_queue_"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "generated/pollforjobs"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    name = "pollforjobs_at_" + re.sub(r"\W", "_", ref)
    where = folder / "generated" / "pollforjobs"
    spec = importlib.util.spec_from_file_location(name, where / "__init__.py", submodule_search_locations=[str(where)])
    assert spec and spec.loader
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


def this_package() -> Any:
    import pollforjobs

    return pollforjobs


def queue_jobs(count: int, package: Any = None) -> Any:
    """A queue of `count` jobs of one action type, ProjectName P0..P4 in turn."""
    import importlib

    jobqueue = importlib.import_module((package or this_package()).__name__ + ".jobqueue")
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


def bench_queue(
    quick: bool, before: str | None = None, repeat: int = 1, only: tuple[int, ...] = ()
) -> None:
    import importlib

    packages = [this_package()] + ([package_at(before)] if before else [])
    type_id = {"category": "Test", "owner": "Custom", "provider": "BenchTool", "version": "1"}

    def requests(package: Any) -> tuple[Any, Any]:
        models = importlib.import_module(package.__name__ + ".models")
        plain = models.PollForJobsInput.model_validate({"actionTypeId": type_id})
        filtered = models.PollForJobsInput.model_validate({"actionTypeId": type_id, "queryParam": {"ProjectName": "P4"}})
        return plain, filtered

    asked = [requests(package) for package in packages]
    sizes = only or ((1_000, 10_000) if quick else (1_000, 10_000, 100_000))
    polls = 200
    heads = "   this tree" + (f"  {before:>12} (before)   before/now" if before else "")
    print(f"one poll (µs, mean of {polls}, best of {repeat}) with N jobs queued{heads}   list scan   scan/now")
    for size in sizes:
        for index, name in ((0, "maxBatchSize 1"), (1, "queryParam, 1 job in 5")):
            queues = [queue_jobs(size + polls * 5 * repeat, package) for package in packages]
            scan = ListScan(queues[0].pending())
            best = [float("inf")] * len(packages)
            for _ in range(repeat):  # in turn, so a burst of load hits both alike
                for place, (queue, request) in enumerate(zip(queues, asked, strict=True)):
                    best[place] = min(best[place], per_poll_us(queue, request[index], polls))
            theirs = per_poll_us(scan, asked[0][index], polls)
            line = f"  N = {size:>7,}, {name:24} {best[0]:12.1f}"
            if before:
                line += f" {best[1]:23.1f} {best[1] / best[0]:11.1f}x"
            print(f"{line} {theirs:11.1f} {theirs / best[0]:9.0f}x")
    print("\ndrain N jobs, one per poll (s)                 " + "   ".join(f"{p.__name__:>14}" for p in packages) + "   list scan")
    for size in sizes if quick or only else (1_000, 10_000, 30_000, 100_000):
        times = []
        for package, request in zip(packages, asked, strict=True):
            queue = queue_jobs(size, package)
            times.append(_timed(lambda q=queue, r=request[0]: drain(q, r)))
            assert queue.pending() == []
        scan = ListScan(queue_jobs(size).pending())
        theirs = f"{_timed(lambda q=scan: drain(q, asked[0][0])):11.2f}" if size <= 30_000 else "  (not run: quadratic)"
        print(f"  N = {size:>7,} {'':28} " + "   ".join(f"{t:14.2f}" for t in times) + f" {theirs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes")
    parser.add_argument("--before", metavar="REF", help="also measure the package of this git revision, in the same run")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="best of N rounds per figure (default: 1)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[], metavar="N", help="these numbers of jobs queued instead")
    args = parser.parse_args()
    bench_queue(args.quick, args.before, args.repeat, tuple(args.sizes))


if __name__ == "__main__":
    main()
