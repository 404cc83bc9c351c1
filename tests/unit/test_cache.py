"""generator/cache.py: black's output and the models, cached by their inputs. A cached run's
output is byte for byte an uncached one's; the cache can be turned off, moved, be unwritable
or hold a damaged entry, and the output stays the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.write import read_tree

from ..conftest import ROOT

SPEC = "specs/pollforjobs.yaml"


def generate(out: Path, cache: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "AWS_BINDING_GENERATOR_CACHE": cache, **env}
    command = [sys.executable, "-m", "generator", "generate", "--spec", SPEC, "--out", str(out), "-q"]
    return subprocess.run(command, check=False, cwd=ROOT, env=environment, capture_output=True, text=True)


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_cached_run_is_byte_identical_to_an_uncached_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert generate(tmp_path / "off", "off").returncode == 0
    assert generate(tmp_path / "filling", str(cache)).returncode == 0
    kinds = {p.relative_to(cache).parts[0] for p in entries(cache)}
    assert kinds == {"black", "models"}
    formatted = len(list((ROOT / "templates" / "package").glob("*.py.j2"))) + 1  # + models; the spec's handler modules are copied as written
    assert len([p for p in entries(cache) if p.parts[-3] == "black"]) == formatted, "one entry per Python file black formats"
    stamps = {p: p.stat().st_mtime_ns for p in entries(cache)}
    assert generate(tmp_path / "cached", str(cache)).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in entries(cache)} == stamps, "the second run only read the cache"
    uncached = read_tree(tmp_path / "off")
    assert read_tree(tmp_path / "filling") == uncached
    assert read_tree(tmp_path / "cached") == uncached
    assert read_tree(tmp_path / "cached")["pollforjobs/models.py"] == (ROOT / "generated" / "pollforjobs" / "models.py").read_text(encoding="utf-8")


def test_off_writes_no_cache_and_the_default_is_the_user_cache_folder(tmp_path: Path) -> None:
    home = tmp_path / "xdg"
    assert generate(tmp_path / "a", "off", XDG_CACHE_HOME=str(home)).returncode == 0
    assert not home.exists()
    assert generate(tmp_path / "b", "", XDG_CACHE_HOME=str(home)).returncode == 0
    assert entries(home / "aws-binding-generator")


def test_a_damaged_entry_is_computed_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert generate(tmp_path / "first", str(cache)).returncode == 0
    for entry in entries(cache):
        entry.write_bytes(entry.read_bytes()[:-40] + b"# damaged\n")
    assert generate(tmp_path / "second", str(cache)).returncode == 0
    assert read_tree(tmp_path / "second") == read_tree(tmp_path / "first")


def test_an_unwritable_cache_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = generate(tmp_path / "out", str(blocked / "cache"))
    assert result.returncode == 0, result.stderr
    assert read_tree(tmp_path / "out")["pollforjobs/models.py"] == (ROOT / "generated" / "pollforjobs" / "models.py").read_text(encoding="utf-8")
