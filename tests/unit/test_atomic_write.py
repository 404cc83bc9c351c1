"""Writes are atomic: a failed, interrupted or killed generation leaves the old tree or the new
one, never half of each, and no staging leftovers that Python could import.

Faults are injected by wrapping generator.write's own steps: in-process for exceptions, and in
a child process that SIGKILLs itself for real interruptions (no seam in the generator).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import SpecError, generate, write
from generator.pipeline import build

from ..conftest import ROOT

SPEC = ROOT / "tests" / "bad_specs" / "_valid_base.yaml"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix() + ("/" if p.is_dir() else ""): p.read_bytes() if p.is_file() else b""
        for p in sorted(root.rglob("*"))
        if "__pycache__" not in p.parts
    }


def visible(root: Path) -> dict[str, bytes]:
    """What a reader of the output sees: everything but hidden top-level entries."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith(".")}


def old_tree(root: Path) -> None:
    """An earlier generation: two packages with stale content and a hidden file."""
    for package in ("alpha", "beta"):
        (root / package / "sub").mkdir(parents=True)
        (root / package / "__init__.py").write_text(f"OLD = {package!r}\n")
        (root / package / "sub" / "data.txt").write_text("old data\n")
        (root / package / "stale.py").write_text("# only in the old tree\n")
    (root / ".keep").write_text("hidden\n")


def new_files() -> dict[str, str]:
    files = {}
    for package in ("alpha", "beta"):
        files[f"{package}/__init__.py"] = f"NEW = {package!r}\n"
        files[f"{package}/sub/data.txt"] = "new data\n"
        files[f"{package}/extra.py"] = "# only in the new tree\n"
    return files


def expected_new(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The visible tree a clean write of new_files() over old_tree() gives."""
    clean = tmp_path / "clean"
    old_tree(clean)
    write.write_tree(new_files(), clean, {"alpha", "beta"})
    return visible(clean)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(write.STAGING_PREFIX))


def importable(root: Path) -> set[str]:
    """Top-level names Python could import from root (hidden staging names never are)."""
    return {name for p in root.iterdir() if (name := p.name.removesuffix(".py")).isidentifier() and (p.is_dir() or p.suffix == ".py")}


def test_clean_write_replaces_owned_entries_and_keeps_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "out"
    old_tree(root)
    (root / "other").mkdir()
    (root / "other" / "keep.txt").write_text("not ours\n")
    write.write_tree(new_files(), root, {"alpha", "beta"})
    tree = visible(root)
    assert tree["alpha/__init__.py"] == b"NEW = 'alpha'\n"
    assert "alpha/stale.py" not in tree and "alpha/extra.py" in tree
    assert tree["other/keep.txt"] == b"not ours\n"
    assert (root / ".keep").read_text() == "hidden\n"
    assert leftovers(root) == []


def test_entries_owned_but_not_generated_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "out"
    old_tree(root)
    files = {k: v for k, v in new_files().items() if k.startswith("alpha/")}
    write.write_tree(files, root, {"alpha", "beta"})
    assert not (root / "beta").exists()
    assert leftovers(root) == []


def test_spec_error_touches_nothing(tmp_path: Path) -> None:
    root = tmp_path / "out"
    old_tree(root)
    spec = tmp_path / "bad.yaml"
    spec.write_text(SPEC.read_text(encoding="utf-8").replace("    min: 1\n", "    min: 99\n"), encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(SpecError):
        generate(spec, root)
    assert snapshot(root) == before


@pytest.mark.parametrize("fault", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=["disk-full", "ctrl-c"])
@pytest.mark.parametrize("after", [0, 1, 4])
def test_failure_while_writing_files_leaves_the_old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: BaseException, after: int) -> None:
    root = tmp_path / "out"
    old_tree(root)
    before = snapshot(root)
    real = write._write_file
    calls = []

    def failing(path: Path, text: str) -> None:
        if len(calls) == after:
            raise fault
        calls.append(path)
        real(path, text)

    monkeypatch.setattr(write, "_write_file", failing)
    with pytest.raises(type(fault)):
        write.write_tree(new_files(), root, {"alpha", "beta"})
    assert snapshot(root) == before
    assert leftovers(root) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["rename-exchange", "two-renames"])
def test_failure_while_swapping_puts_back_what_was_swapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool) -> None:
    root = tmp_path / "out"
    old_tree(root)
    before = snapshot(root)
    real = write._swap_in
    swapped = []

    def failing(new: Path, target: Path, staging: Path) -> None:
        if swapped:
            raise OSError(5, "Input/output error")
        real(new, target, staging)
        swapped.append(target.name)

    monkeypatch.setattr(write, "_swap_in", failing)
    if not exchange:
        monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    with pytest.raises(OSError, match="Input/output"):
        write.write_tree(new_files(), root, {"alpha", "beta"})
    assert swapped == ["alpha"], "the fault came after one entry was already swapped"
    assert snapshot(root) == before
    assert leftovers(root) == []


def test_exchange_is_used_on_linux(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux-only; elsewhere the two-rename path (tested above) runs")
    (tmp_path / "a").write_text("a")
    (tmp_path / "b").mkdir()
    assert write._exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b").read_text() == "a" and (tmp_path / "a").is_dir()


def test_swaps_of_existing_entries_use_the_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """So a reader (an import, `check`) never finds a package missing during a write."""
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux-only")
    root = tmp_path / "out"
    old_tree(root)
    real = write._exchange
    used: list[tuple[str, bool]] = []

    def recording(a: Path, b: Path) -> bool:
        result = real(a, b)
        used.append((b.name, result))
        return result

    monkeypatch.setattr(write, "_exchange", recording)
    write.write_tree(new_files(), root, {"alpha", "beta"})
    assert used == [("alpha", True), ("beta", True)]
    assert visible(root) == expected_new(root, tmp_path)


CHILD = textwrap.dedent(
    """
    import json, os, signal, sys
    from pathlib import Path
    from generator import write

    config = json.loads(sys.argv[1])
    stage, after = config["stage"], config["after"]
    if config.get("no_exchange"):
        write._exchange = lambda a, b: False
    calls = []

    def killing(real):
        def step(*args):
            if len(calls) == after:
                os.kill(os.getpid(), signal.SIGKILL)
            calls.append(args)
            return real(*args)
        return step

    if stage == "replace":
        # inside a swap, between moving the old entry out and the new one in
        import os as os_module
        real_replace = os_module.replace
        def replace(src, dst):
            real_replace(src, dst)
            if Path(dst).name.startswith(".retired-"):
                os.kill(os.getpid(), signal.SIGKILL)
        write.os.replace = replace
    else:
        setattr(write, stage, killing(getattr(write, stage)))
    if config.get("spec"):
        from generator import generate
        generate(config["spec"], config["root"])
    else:
        write.write_tree(json.loads(Path(config["files"]).read_text()), Path(config["root"]), set(config["owned"]))
    print("not killed")
    """
)


def run_child(config: dict[str, object]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", CHILD, json.dumps(config)], capture_output=True, text=True, timeout=120, env=env, check=False)


@pytest.mark.parametrize("after", [0, 2, 5])
def test_kill_while_writing_files_leaves_the_old_tree_then_recovers(tmp_path: Path, after: int) -> None:
    root = tmp_path / "out"
    old_tree(root)
    before = visible(root)
    files = tmp_path / "files.json"
    files.write_text(json.dumps(new_files()))
    done = run_child({"stage": "_write_file", "after": after, "root": str(root), "files": str(files), "owned": ["alpha", "beta"]})
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert visible(root) == before, "a killed write changed the visible tree"
    left = leftovers(root)
    assert len(left) == 1 and not left[0].isidentifier(), left
    assert importable(root) == {"alpha", "beta"}
    write.recover(root)
    assert leftovers(root) == [] and visible(root) == before


@pytest.mark.parametrize("no_exchange", [False, True], ids=["rename-exchange", "two-renames"])
def test_kill_between_swaps_is_rolled_forward(tmp_path: Path, no_exchange: bool) -> None:
    root = tmp_path / "out"
    old_tree(root)
    files = tmp_path / "files.json"
    files.write_text(json.dumps(new_files()))
    done = run_child({"stage": "_swap_in", "after": 1, "root": str(root), "files": str(files), "owned": ["alpha", "beta"], "no_exchange": no_exchange})
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert (root / "alpha" / "extra.py").exists() and (root / "beta" / "stale.py").exists(), "killed after the first of two swaps"
    assert len(leftovers(root)) == 1
    write.write_tree({"gamma/__init__.py": ""}, root, {"gamma"})  # any later write recovers first
    assert leftovers(root) == []
    assert {k: v for k, v in visible(root).items() if not k.startswith("gamma")} == expected_new(root, tmp_path)


def test_kill_inside_a_two_rename_swap_is_rolled_forward(tmp_path: Path) -> None:
    """Without renameat2 an entry is briefly missing; a kill right then is repaired by the next write."""
    root = tmp_path / "out"
    old_tree(root)
    files = tmp_path / "files.json"
    files.write_text(json.dumps(new_files()))
    done = run_child({"stage": "replace", "after": 0, "root": str(root), "files": str(files), "owned": ["alpha", "beta"], "no_exchange": True})
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert not (root / "alpha").exists(), "killed between the two renames"
    write.recover(root)
    assert leftovers(root) == [] and visible(root) == expected_new(root, tmp_path)


def test_killed_generation_keeps_the_generated_package_and_the_next_run_is_clean(tmp_path: Path) -> None:
    """End to end through `generate`: a real package tree survives a kill mid-write."""
    root = tmp_path / "out"
    generate(SPEC, root)
    first = visible(root)
    changed = tmp_path / "changed.yaml"
    changed.write_text(SPEC.read_text(encoding="utf-8").replace("    max: 10\n", "    max: 12\n"), encoding="utf-8")
    done = run_child({"stage": "_write_file", "after": 3, "root": str(root), "spec": str(changed)})
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    assert visible(root) == first
    assert importable(root) == {"widget"}
    generate(changed, root)
    assert leftovers(root) == []
    _, files = build(changed)
    assert {k: v.decode() for k, v in visible(root).items() if not k.endswith("/")} == files
    shutil.rmtree(root)
