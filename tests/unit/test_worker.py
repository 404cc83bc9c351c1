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

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "pollforjobs.yaml"


def generate(out: Path, *, worker: bool) -> str:
    env = {**os.environ, "AWS_BINDING_GENERATOR_CACHE": "off", "AWS_BINDING_GENERATOR_WORKER": "on" if worker else "off"}
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(SPEC), "--out", str(out), "-v"]
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stderr


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_generation_with_the_worker_is_byte_identical_to_one_without(tmp_path: Path) -> None:
    with_worker = generate(tmp_path / "with", worker=True)
    without = generate(tmp_path / "without", worker=False)
    assert "run in a second process" in with_worker
    assert "second process" not in without
    assert tree(tmp_path / "with") == tree(tmp_path / "without")
    models = tmp_path / "with" / "pollforjobs" / "models.py"
    assert filecmp.cmp(models, ROOT / "generated" / "pollforjobs" / "models.py", shallow=False)


SCRIPT = textwrap.dedent(
    """
    import os, signal
    from generator import worker

    def fails(text):
        raise ValueError(f"refused: {text}")

    def where(text):
        return f"{text} in {os.getpid()}"

    def warm_up():
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


def test_the_warm_up_runs_the_tool_and_black_to_the_end() -> None:
    """It imports both by running them; a document the tool finds no models in raised before
    black was reached, and the worker's suppressing of warm-up errors hid it."""
    script = "import sys\nfrom generator.models import warm_up\nwarm_up()\nprint('black' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    assert result.stdout.strip() == "True"
