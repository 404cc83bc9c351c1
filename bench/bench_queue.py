"""The bundled job queue alone (no HTTP): the time of one poll with 1,000 to 100,000 jobs
queued, and of draining a queue one job per poll, against a list scan (the queue's poll before
it indexed jobs by action type and configuration setting, copied here).

Run: python bench/bench_queue.py [--quick]   (or python bench/bench_server.py --queue)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    parser.add_argument("--quick", action="store_true", help="fewer sizes")
    bench_queue(parser.parse_args().quick)


if __name__ == "__main__":
    main()
