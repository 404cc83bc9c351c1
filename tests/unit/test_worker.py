"""The models stage in a second process (generator/worker.py): the same output as in one
process, and a job's exception or the worker's death handled as if there were no worker.

Each run is a real `python -m generator` (or a small script) in a subprocess: pytest's own
threads keep the worker from forking inside the test process, as they should."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "pollforjobs.yaml"


def generate(out: Path, *, worker: bool, cache: str = "off", cores: set[int] | None = None) -> str:
    env = {**os.environ, "AWS_BINDING_GENERATOR_CACHE": cache, "AWS_BINDING_GENERATOR_WORKER": "on" if worker else "off"}
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(SPEC), "--out", str(out), "-v"]
    pinned = None if cores is None else (lambda: os.sched_setaffinity(0, cores))
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True, preexec_fn=pinned).stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_generation_with_the_worker_is_byte_identical_to_one_without(tmp_path: Path) -> None:
    with_worker = generate(tmp_path / "with", worker=True)
    without = generate(tmp_path / "without", worker=False)
    assert "runs in a second process" in with_worker
    assert "second process" not in without
    assert tree(tmp_path / "with") == tree(tmp_path / "without")
    models = tmp_path / "with" / "pollforjobs" / "models.py"
    assert filecmp.cmp(models, ROOT / "generated" / "pollforjobs" / "models.py", shallow=False)


def test_the_worker_starts_before_the_spec_is_read_unless_a_cache_may_answer(tmp_path: Path) -> None:
    """With the cache off or one that never held models (a machine's first run) the tool's
    imports start at once; with models in the cache the job is not sure to come, and with the
    models answered from it no second process is made at all."""
    cache = tmp_path / "cache"
    first = generate(tmp_path / "first", worker=True, cache=str(cache)).splitlines()
    forked = next(i for i, line in enumerate(first) if "runs in a second process" in line)
    assert forked < next(i for i, line in enumerate(first) if "load and check" in line)
    assert "second process" not in generate(tmp_path / "cached", worker=True, cache=str(cache))
    assert tree(tmp_path / "cached") == tree(tmp_path / "first")


def test_with_one_core_there_is_no_second_process(tmp_path: Path) -> None:
    one_core = generate(tmp_path / "one", worker=True, cores={min(os.sched_getaffinity(0))})
    assert "second process" not in one_core
    assert tree(tmp_path / "one")["pollforjobs/models.py"] == (ROOT / "generated" / "pollforjobs" / "models.py").read_bytes()


SCRIPT = textwrap.dedent(
    """
    import os, signal
    from generator import worker

    def fails(text):
        raise ValueError(f"refused: {text}")

    def where(text):
        return f"{text} in {os.getpid()}"

    def warm_up(job_waiting):
        pass

    with worker.started(warm_up, eager=True):
        child = worker._current.get().worker
        assert child is not None and child.pid != os.getpid()
        try:
            worker.submit(fails, "x").result()
        except ValueError as exc:
            print("raised:", exc)
        print("worker:", worker.submit(where, "a").result() == f"a in {child.pid}")
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
        print("after its death:", worker.submit(where, "b").result() == f"b in {os.getpid()}")
    print("closed:", not os.path.exists(f"/proc/{child.pid}"))
    """
)


def test_a_jobs_exception_is_raised_here_and_a_dead_worker_leaves_its_jobs_to_this_process() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, check=True, capture_output=True, text=True, env={**os.environ, "AWS_BINDING_GENERATOR_WORKER": "on"})
    assert done.stdout.splitlines() == ["raised: refused: x", "worker: True", "after its death: True", "closed: True"]


def test_the_warm_up_runs_the_tool_to_the_end_and_loads_nothing_else() -> None:
    """It imports the tool by running it (a document the tool finds no models in raised, and the
    worker's suppressing of warm-up errors hid it); black and the IR side are this process's."""
    script = "import sys\nfrom generator.models_tool import warm_up\nprint('class Warm(BaseModel)' in warm_up())\nprint(sorted(m for m in ('black', 'generator.kinds', 'generator.ir', 'generator.pipeline') if m in sys.modules))\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    assert result.stdout.splitlines() == ["True", "[]"]


def test_the_command_line_guesses_from_its_words_whether_a_run_may_build() -> None:
    import argparse

    from generator import cli, entry
    from generator.entry import may_build

    # The words entry.py knows without importing the CLI are the CLI's commands.
    (commands,) = [action for action in cli.parser()._actions if isinstance(action, argparse._SubParsersAction)]
    assert entry._BUILDING | entry._OTHERS == set(commands.choices)

    for words in ([], ["check"], ["--out", "x", "regenerate"], ["generate", "--spec", "s.yaml", "--out", "o"], ["watch"], ["-v"]):
        assert may_build(words), words
    for words in (["--help"], ["check", "-h"], ["diff", "a", "b"], ["export", "--format", "openapi", "--out", "o"], ["import", "m.json"], ["refresh"]):
        assert not may_build(words), words


def _left_in_group(group: int) -> list[str]:
    """The processes still in process group `group`, as /proc/<pid>/stat names them."""
    left = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            left.append(stat.parent.name)
    return left


@pytest.mark.parametrize("case", ["no-op", "bad spec"])
def test_a_second_process_started_with_the_command_line_and_not_needed_ends_with_it(tmp_path: Path, case: str) -> None:
    """A no-op run with the cache off, and a run that stops at its spec's errors: the command
    line forked the models' worker before its own imports (a run may build), no run took it, and
    it is stopped before the exit, not left to finish the tool's imports on its own."""
    out = tmp_path / "out"
    spec = SPEC
    if case == "no-op":
        generate(out, worker=True)
    else:
        spec = tmp_path / "bad.yaml"
        spec.write_text(SPEC.read_text(encoding="utf-8").replace("type: structure", "type: structur", 1), encoding="utf-8")
    env = {**os.environ, "AWS_BINDING_GENERATOR_CACHE": "off", "AWS_BINDING_GENERATOR_WORKER": "on"}
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(out), "--check"]
    run = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, errors = run.communicate(timeout=60)
    assert run.returncode == (0 if case == "no-op" else 2), errors
    assert _left_in_group(run.pid) == []


def test_the_run_takes_the_second_process_the_command_line_started(tmp_path: Path) -> None:
    """`python -m generator` forks the worker before the CLI's imports and the run uses that
    one (no second fork); with the cache holding models it starts none, as the run would not."""
    cache = tmp_path / "cache"
    first = generate(tmp_path / "first", worker=True, cache=str(cache))
    assert first.count("runs in a second process") == 1 and "started with the command line" in first
    assert tree(tmp_path / "first")["pollforjobs/models.py"] == (ROOT / "generated" / "pollforjobs" / "models.py").read_bytes()
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(SPEC), "--out", str(tmp_path / "again"), "-v"]
    env = {**os.environ, "AWS_BINDING_GENERATOR_CACHE": str(cache), "AWS_BINDING_GENERATOR_WORKER": "on"}
    again = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, errors = again.communicate(timeout=60)
    assert again.returncode == 0 and "second process" not in errors


def test_with_the_job_waiting_the_warm_up_imports_the_tool_and_leaves_the_tiny_run() -> None:
    """The job pays the rest of the tool's first-run setup itself, which costs less than the tiny
    run before it; the imports (most of the setup) are done either way."""
    script = (
        "import sys\nfrom generator.models_tool import warm_up\n"
        "print(repr(warm_up(lambda: True)))\n"
        "print(all(m in sys.modules for m in ('isort', 'datamodel_code_generator.config', 'datamodel_code_generator.parser.jsonschema')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    assert result.stdout.splitlines() == ["''", "True"]
