"""Generation at scale: PollForJobs and whole AWS services imported from the installed
botocore, each generated cold (cache off) beside datamodel-code-generator's own CLI on the
same service's exported JSON Schema, in one run.

For each service: its shapes, our wall time and CPU time (best of --runs), the time of each
stage (from `generate -v`), the time per shape, and the same for the datamodel-codegen CLI
(which writes only the models, and runs black and isort on them). The commands run one after
another; ours runs its models stage in a second process beside the rest (generator/worker.py),
so its wall time can be less than its CPU time (the sum over both processes) when a second
core is free; datamodel-codegen is one process. Both ratios are printed: CPU (the work, the
honest figure on a loaded machine) and wall (what a user waits). The stage times are this
process's wall clock: 'models' is the models' start (the document, sent to the second
process), 'models (the rest of the wait)' what was left of them after the rest, and 'black'
is black over every module, the models' included. A service the generator cannot import or
generate is reported as such, with its first errors, not left out.

    python bench/bench_scale.py                        # PollForJobs, DynamoDB, SSM, Glue, SageMaker
    python bench/bench_scale.py --services kms,kinesis --runs 3

Last runs (2026-12-01, shared 2-core machine at load average 7-25; one run each but
PollForJobs, best of 2), CPU ratio to the CLI (wall ratio): PollForJobs 2.21x (1.73x),
DynamoDB 1.52x (1.19x) and 1.89x (1.61x), SSM 1.43x (1.18x), Glue 1.52x (1.25x), SageMaker
1.55x (2.12x), SageMaker / DynamoDB ms per shape 0.91x; the tree before them, at load 5-8:
2.70x, 2.84x, 2.44x (README, Benchmarks).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLLFORJOBS = ROOT / "specs" / "pollforjobs.yaml"
DEFAULT = "pollforjobs,dynamodb,ssm,glue,sagemaker"
# As installed code runs: with its bytecode cached (the import before each service writes the
# generator's), whatever this shell says.
AS_INSTALLED = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
STAGE = re.compile(r"^(?P<subject>.*): (?P<stage>[a-z() ]+) (?P<seconds>[0-9.]+) s$")


@dataclass
class Timing:
    wall: float
    cpu: float
    stages: dict[str, float] = field(default_factory=dict)


def run(command: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], Timing]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, check=False, cwd=cwd, env={**AS_INSTALLED, "AWS_BINDING_GENERATOR_CACHE": "off"}, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, Timing(wall, cpu)


def best(timings: list[Timing]) -> Timing:
    return min(timings, key=lambda t: t.cpu)


def first_errors(result: subprocess.CompletedProcess[str], count: int = 3) -> str:
    lines = [line for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    shown = "\n      ".join(lines[:count])
    return shown + (f"\n      ... ({len(lines) - count} more lines)" if len(lines) > count else "")


def spec_for(service: str, work: Path) -> tuple[Path | None, str]:
    if service == "pollforjobs":
        return POLLFORJOBS, ""
    spec = work / f"{service}.yaml"
    result, _ = run([sys.executable, "-m", "generator", "import", "--model", f"botocore:{service}", "--out", str(spec), "-q"], ROOT)
    if result.returncode != 0:
        return None, f"import failed (exit {result.returncode}):\n      {first_errors(result)}"
    return spec, ""


def schema_for(spec: Path, into: Path) -> tuple[int, str]:
    """The model document the generator gives datamodel-code-generator, and the spec's shapes."""
    command = [sys.executable, "-c", _EXPORT, str(spec), str(into)]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        return 0, f"cannot generate (spec check failed):\n      {first_errors(result)}"
    return int(result.stdout), ""


_EXPORT = """
import json, sys
from pathlib import Path
from generator.diagnostics import SpecError
from generator.pipeline import compile_spec
from generator.schema import model_document
try:
    service = compile_spec(Path(sys.argv[1]))
except SpecError as exc:
    sys.exit(str(exc))
Path(sys.argv[2]).write_text(json.dumps(model_document(service), indent=2), encoding="utf-8")
print(len(service.shapes))
"""


def ours(spec: Path, out: Path) -> tuple[Timing | None, str]:
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out), "--no-local-handler", "-v"]
    result, timing = run(command, ROOT)
    if result.returncode != 0:
        return None, f"generation failed (exit {result.returncode}):\n      {first_errors(result)}"
    for line in result.stderr.splitlines():
        match = STAGE.match(line)
        if match:
            timing.stages[match["stage"]] = timing.stages.get(match["stage"], 0.0) + float(match["seconds"])
    return timing, ""


def theirs(schema: Path, out: Path) -> tuple[Timing | None, str]:
    command = [str(Path(sys.executable).parent / "datamodel-codegen"), "--input", str(schema), "--input-file-type", "jsonschema"]
    command += ["--output-model-type", "pydantic_v2.BaseModel", "--target-python-version", "3.11", "--disable-timestamp", "--output", str(out)]
    result, timing = run(command, ROOT)
    if result.returncode != 0:
        return None, f"datamodel-codegen failed (exit {result.returncode}):\n      {first_errors(result)}"
    return timing, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", default=DEFAULT, help=f"comma-separated botocore service names, or pollforjobs (default: {DEFAULT})")
    parser.add_argument("--runs", type=int, default=2, help="runs of each, the best (by CPU time) shown (default: 2)")
    args = parser.parse_args()
    services = [s.strip() for s in args.services.split(",") if s.strip()]
    per_shape: dict[str, float] = {}
    print(f"Cold generation (cache off), best of {args.runs} by CPU time; ours with its models in a second process, datamodel-codegen in one")
    print(f"  {'service':14} {'shapes':>6} {'ours s':>7} {'cpu s':>6} {'ms/shape':>8} {'dmcg s':>7} {'cpu s':>6} {'ratio':>6} {'wall':>6}  stages (s)")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        work = Path(folder)
        for service in services:
            spec, problem = spec_for(service, work)
            shapes = 0
            if spec is not None:
                shapes, problem = schema_for(spec, work / f"{service}.schema.json")
            mine: list[Timing] = []
            peer: list[Timing] = []
            for attempt in range(args.runs if not problem else 0):
                timing, problem = ours(spec, work / f"out-{service}-{attempt}")  # type: ignore[arg-type]
                if timing is None:
                    break
                mine.append(timing)
                timing, problem = theirs(work / f"{service}.schema.json", work / f"dmcg-{service}-{attempt}.py")
                if timing is None:
                    break
                peer.append(timing)
            if problem:
                print(f"  {service:14} NOT MEASURED: {problem}")
                continue
            a, b = best(mine), best(peer)
            per_shape[service] = 1000 * a.cpu / shapes
            stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in a.stages.items())
            print(f"  {service:14} {shapes:>6} {a.wall:>7.2f} {a.cpu:>6.2f} {per_shape[service]:>8.1f} {b.wall:>7.2f} {b.cpu:>6.2f} {a.cpu / b.cpu:>5.2f}x {a.wall / b.wall:>5.2f}x  {stages}")
    print("  ratio: our CPU time / datamodel-codegen's; wall: the same for the wall clock; ms/shape: our CPU time per shape of the spec")
    print("targets: a whole service <= 2x datamodel-codegen; SageMaker's ms/shape <= 1.2x DynamoDB's")
    if "sagemaker" in per_shape and "dynamodb" in per_shape:
        print(f"  SageMaker / DynamoDB ms per shape: {per_shape['sagemaker'] / per_shape['dynamodb']:.2f}x")
    else:
        missing = [s for s in ("dynamodb", "sagemaker") if s not in per_shape]
        print(f"  SageMaker / DynamoDB ms per shape: not measured ({', '.join(missing)} did not generate or were not asked for)")


if __name__ == "__main__":
    main()
