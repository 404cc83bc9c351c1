"""The generator as a build step: full regeneration, the no-op regenerate and check, and
datamodel-code-generator's own CLI on the same schema, side by side in one run; then how the
full time grows with the number of shapes (AWS KMS, imported from the installed botocore,
with more and more of its operations).

Every figure is a fresh process, timed by the wall clock, as a build runs it, and by its CPU
time (user + system, the process and every child it waited for), with Python's bytecode
cache on as installed code has it (PYTHONDONTWRITEBYTECODE is dropped for them; pip compiled
datamodel-code-generator's modules at install, an untimed first run writes the generator's):

  full, cold       `generate` into a new folder with the cache off (black and
                   datamodel-code-generator run for every file); datamodel-code-generator
                   runs in a second process beside the rest (generator/worker.py), so on a
                   machine with a free second core its wall time is less than its CPU time
  full, cold, one process  the same with AWS_BINDING_GENERATOR_WORKER=off: everything in
                   one process, one core
  full, cached     the same with a warm cache (generator/cache.py: black's output and the
                   models, keyed by their inputs), as after any earlier run on this machine
  no-op regenerate `python -m generator` when every package is current by its fingerprint
  no-op check      `python -m generator check`, the same
  datamodel-codegen  its CLI on the model document the generator gives it (every shape
                   the operations reach, as JSON Schema), writing pydantic v2 models; it
                   runs black on its output too; one process

The target (full <= datamodel-codegen) is printed for both clocks: wall time (what a build
waits, with the second process) and CPU time (the work done, which the second process does
not reduce). The machine is shared: each figure is the best of the runs, interleaved; then
pairs of a cold regeneration and the CLI back to back, whose ratios' median is the figure to
judge the target by (a best of five is a lottery when the machine's speed moves by half).

    python bench/bench_build.py            # 5 runs of each, then the scale (KMS: 4, 16, 56 operations)
    python bench/bench_build.py --quick    # 2 runs of each; the scale with 4 and 16 operations

Last run (2026-12-02, quiet 2-core machine, load about 1, 5 runs): full, cold 1.40 s wall
(median 1.51), 2.31 s CPU; datamodel-codegen 1.04 s (median 1.53), 1.04 s CPU; no-op regenerate
and check 0.11x of a full run. The CLI's best and median move by half between runs of the same
tree: ten alternated pairs (ours, the CLI's) gave wall 1.05x median (0.96-1.17), CPU 1.62x
(README, Benchmarks).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "pollforjobs.yaml"
CACHE = "AWS_BINDING_GENERATOR_CACHE"
WORKER = "AWS_BINDING_GENERATOR_WORKER"
# As installed code runs: with its bytecode cached (pip compiles the tools' modules at install;
# the untimed first run writes the generator's), whatever this shell says.
AS_INSTALLED = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each timed command, by label


def timed(command: list[str], cwd: Path, env: dict[str, str], label: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, check=False, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def generator(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def model_document(spec: Path, into: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from generator.pipeline import compile_spec
    from generator.schema import model_document as document

    path = into / "model.schema.json"
    path.write_text(json.dumps(document(compile_spec(spec)), indent=2), encoding="utf-8")
    return path


def side_by_side(work: Path, runs: int) -> None:
    project = work / "project"
    (project / "specs").mkdir(parents=True)
    shutil.copy(SPEC, project / "specs")
    shutil.copytree(SPEC.parent / "pollforjobs", project / "specs" / "pollforjobs")  # its local handler
    (project / "pyproject.toml").write_text('[tool.aws-binding-generator]\nspecs = ["specs/*.yaml"]\nout = "generated"\n', encoding="utf-8")
    cold = {**AS_INSTALLED, CACHE: "off"}
    warm = {**AS_INSTALLED, CACHE: str(work / "cache")}
    schema = model_document(SPEC, work)
    dmcg = [str(Path(sys.executable).parent / "datamodel-codegen"), "--input", str(schema), "--input-file-type", "jsonschema"]
    dmcg += ["--output-model-type", "pydantic_v2.BaseModel", "--target-python-version", "3.11", "--disable-timestamp"]
    timed(generator("-q"), project, warm)  # the package to find current, and a warm cache
    single = {**cold, WORKER: "off"}
    names = ("full, cold", "full, cold, one process", "full, cached", "no-op regenerate", "no-op check", "datamodel-codegen")
    times: dict[str, list[float]] = {name: [] for name in names}
    for run in range(runs):  # interleaved, so a busy moment of the machine hits all alike
        times["full, cold"].append(timed(generator("generate", "--spec", "specs/pollforjobs.yaml", "--out", f"cold{run}", "-q"), project, cold, "full, cold"))
        single_run = generator("generate", "--spec", "specs/pollforjobs.yaml", "--out", f"single{run}", "-q")
        times["full, cold, one process"].append(timed(single_run, project, single, "full, cold, one process"))
        times["full, cached"].append(timed(generator("generate", "--spec", "specs/pollforjobs.yaml", "--out", f"warm{run}", "-q"), project, warm, "full, cached"))
        times["no-op regenerate"].append(timed(generator("-q"), project, cold, "no-op regenerate"))
        times["no-op check"].append(timed(generator("check", "-q"), project, cold, "no-op check"))
        times["datamodel-codegen"].append(timed([*dmcg, "--output", str(work / f"dmcg{run}.py")], project, cold, "datamodel-codegen"))
    full = min(times["full, cold"])
    tool = min(times["datamodel-codegen"])
    cpu_full, cpu_tool = min(CPU["full, cold"]), min(CPU["datamodel-codegen"])
    print(f"PollForJobs ({runs} runs each; wall seconds best and median, then CPU seconds best; 'full' runs its models in a second process)")
    for name, values in times.items():
        best, cpu = min(values), min(CPU[name])
        print(f"  {name:23} {best:6.2f}  {statistics.median(values):6.2f}   {best / full:5.2f}x full, cold   {best / tool:5.2f}x datamodel-codegen"
              f"   cpu {cpu:5.2f} ({cpu / cpu_tool:4.2f}x datamodel-codegen)")
    one = min(times["full, cold, one process"])
    print(f"  targets: no-op <= 0.15x full: regenerate {min(times['no-op regenerate']) / full:.2f}x, check {min(times['no-op check']) / full:.2f}x;"
          f" full <= datamodel-codegen: cold wall {full / tool:.2f}x, cold CPU {cpu_full / cpu_tool:.2f}x,"
          f" one process wall {one / tool:.2f}x, cached wall {min(times['full, cached']) / tool:.2f}x")
    folders = iter(range(10**6))

    def cold_run() -> float:  # into a new folder each time, as "full, cold"
        return timed(generator("generate", "--spec", "specs/pollforjobs.yaml", "--out", f"paired{next(folders)}", "-q"), project, cold, "paired ours")

    paired(cold_run, lambda: timed([*dmcg, "--output", str(work / "paired.py")], project, cold, "paired tool"), 4 * runs)


def paired(ours: Callable[[], float], tool: Callable[[], float], count: int) -> None:
    """`count` pairs of a cold regeneration and the CLI run back to back (which goes first
    alternates), each pair's ratio: a best of a few runs is a lottery on a machine whose speed
    moves by half from one second to the next, and a pair shares its moment."""
    wall, cpu = [], []
    for number in range(count):
        if number % 2:
            theirs, mine = tool(), ours()
        else:
            mine, theirs = ours(), tool()
        wall.append(mine / theirs)
        cpu.append(CPU["paired ours"][-1] / CPU["paired tool"][-1])
    print(f"  pairwise ({count} pairs, full cold / datamodel-codegen): wall {statistics.median(wall):.2f}x median ({min(wall):.2f}-{max(wall):.2f}),"
          f" CPU {statistics.median(cpu):.2f}x; target <= 1: {'met' if statistics.median(wall) <= 1 else 'not met'} on the wall clock")


def scale(work: Path, operation_counts: list[int]) -> None:
    spec = work / "kms-all.yaml"
    subprocess.run(generator("import", "--model", "botocore:kms", "--out", str(spec), "-q"), check=True, cwd=work)
    import yaml

    operations = sorted(yaml.safe_load(spec.read_text(encoding="utf-8"))["operations"])
    cold = {**AS_INSTALLED, CACHE: "off"}
    print("\nAWS KMS from botocore, full regeneration, cold (one run each)")
    print(f"  {'operations':>10} {'shapes':>7} {'files':>6} {'seconds':>8} {'ms per shape':>13} {'CPU s':>6} {'CPU ms/shape':>13}")
    for count in operation_counts:
        chosen = work / f"kms-{count}.yaml"
        subprocess.run(generator("import", "--model", "botocore:kms", "--operations", ",".join(operations[:count]), "--out", str(chosen), "-q"), check=True, cwd=work)
        shapes = len(yaml.safe_load(chosen.read_text(encoding="utf-8"))["shapes"])
        out = work / f"kms-out-{count}"
        seconds = timed(generator("generate", "--spec", str(chosen), "--out", str(out), "-q"), work, cold, f"kms {count}")
        files = sum(1 for p in out.rglob("*") if p.is_file())
        cpu = CPU[f"kms {count}"][-1]
        print(f"  {count:>10} {shapes:>7} {files:>6} {seconds:>8.2f} {1000 * seconds / shapes:>13.1f} {cpu:>6.2f} {1000 * cpu / shapes:>13.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 runs of each, and a smaller scale")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        side_by_side(Path(folder), 2 if args.quick else 5)
        scale(Path(folder), [4, 16] if args.quick else [4, 16, 56])


if __name__ == "__main__":
    main()
