"""What each stage of the whole-service tests (tests/e2e/test_aws_services.py) costs, per
service: import, generation, the covering instances, the corpus, the boto3 round trips,
mypy --strict and ruff. CPU seconds (this process and its subprocesses) beside wall seconds:
on a loaded machine the CPU figures are the ones to compare. One run per service.

    python bench/bench_aws_services.py [SERVICE ...]   (default: the twelve of the CI set)
"""

from __future__ import annotations

import importlib
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.pipeline import compile_spec, generate
from tests.e2e import test_aws_services as harness
from tests.support.covering import covering_instance

TWELVE = harness.SERVICES


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@contextmanager
def _timed(row: dict[str, str], stage: str) -> Iterator[None]:
    cpu, wall = _cpu(), time.perf_counter()
    try:
        yield
    finally:
        row[stage] = f"{_cpu() - cpu:6.1f}/{time.perf_counter() - wall:6.1f}"


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError((done.stdout + done.stderr)[-2000:])


def measure(name: str, folder: Path) -> dict[str, str]:
    row: dict[str, str] = {"service": name}
    spec = folder / f"{name}.yaml"
    with _timed(row, "import"):
        _run(["generator", "import", "--model", f"botocore:{name}", "--out", str(spec), "-q"], ROOT)
    out = folder / "out" / name
    with _timed(row, "generate"):
        generate(spec, out)
    with _timed(row, "instances"):
        service = compile_spec(spec)
        complete = {r: covering_instance(service, service.shape(r)) for op in service.operations for r in (op.input, op.output)}
    made = harness.Generated(name, service, out, service.package, complete)
    sys.path.insert(0, str(out))
    try:
        api = importlib.import_module(made.package)
        tests: list[tuple[str, Callable[[Any], None]]] = [
            ("corpus", harness.test_constraint_corpus_gets_one_verdict),
            ("round trips", harness.test_boto3_round_trips_every_operation),
        ]
        for stage, test in tests:
            with _timed(row, stage):
                test((made, api))
    finally:
        sys.path.remove(str(out))
    with _timed(row, "mypy"):
        _run(["mypy", "--strict", "--no-incremental", made.package], out)
    with _timed(row, "ruff"):
        _run(["ruff", "check", "--no-cache", made.package], out)
    row["operations"] = str(len(service.operations))
    row["shapes"] = str(len(service.shapes))
    return row


def main(names: list[str]) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name in names or TWELVE:
            rows.append(measure(name, Path(folder)))
            print(rows[-1], flush=True)
    stages = ["import", "generate", "instances", "corpus", "round trips", "mypy", "ruff"]
    print("CPU s / wall s per stage")
    print(f"{'service':16}{'ops':>5}{'shapes':>7}" + "".join(f"{s:>16}" for s in stages))
    for row in rows:
        print(f"{row['service']:16}{row['operations']:>5}{row['shapes']:>7}" + "".join(f"{row[s]:>16}" for s in stages))


if __name__ == "__main__":
    main(sys.argv[1:])
