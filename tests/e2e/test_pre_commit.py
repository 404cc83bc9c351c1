"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit (`pre-commit try-repo`)
on a sample git repository: pre-commit clones this repository, installs the generator into
an environment of its own (`language: python`) and runs the hook there.

Offline: pip in pre-commit's environment uses no index and no build isolation, and finds the
generator's dependencies and hatchling through tests/installed_links.py on PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..conftest import ROOT
from ..support.installed_links import installed_links

HOOKS = ROOT / ".pre-commit-hooks.yaml"
SPEC = ROOT / "tests" / "generality" / "inventory.yaml"


def _committed(path: Path) -> bool:
    listed = subprocess.run(["git", "ls-files", "--error-unmatch", str(path)], cwd=ROOT, capture_output=True, check=False)
    return listed.returncode == 0


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV", "PRE_COMMIT"))}
    return {
        **env,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PYTHONPATH": str(installed_links(tmp_path / "installed")),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling of --no-build-isolation
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }


def try_repo(hook: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_the_hooks_are_declared_for_the_whole_project() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"aws-bindings-check", "aws-bindings-regenerate"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False


def test_check_fails_on_a_stale_tree_and_passes_after_regenerate(tmp_path: Path, environment: dict[str, str]) -> None:
    assert _committed(HOOKS), "pre-commit try-repo reads the hooks from the repository's commits"
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    shutil.copy(SPEC, repo / "specs" / "inventory.yaml")
    (repo / "pyproject.toml").write_text('[tool.aws-binding-generator]\nspecs = ["specs/*.yaml"]\nout = "bindings"\n', encoding="utf-8")
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=environment, check=True, capture_output=True)

    git("init", "-q")
    subprocess.run([sys.executable, "-m", "generator", "-q"], cwd=repo, check=True)
    git("add", "-A")
    git("commit", "-qm", "bindings")

    current = try_repo("aws-bindings-check", repo, environment)
    assert current.returncode == 0, current.stdout + current.stderr
    assert "generated AWS bindings are current" in current.stdout and "Passed" in current.stdout

    spec = repo / "specs" / "inventory.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Stores an item.", "Stores one item."), encoding="utf-8")
    git("add", "-A")
    stale = try_repo("aws-bindings-check", repo, environment)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "Failed" in stale.stdout
    assert "+        Stores one item." in stale.stdout
    assert "generated files are out of date; run: aws-binding-generator" in stale.stdout

    regenerated = try_repo("aws-bindings-regenerate", repo, environment)
    assert regenerated.returncode == 1, "pre-commit fails a hook that rewrote files, so they are looked at"
    assert "files were modified by this hook" in regenerated.stdout
    assert "Stores one item." in (repo / "bindings" / "inventory_api" / "client.py").read_text(encoding="utf-8")

    after = try_repo("aws-bindings-check", repo, environment)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "Passed" in after.stdout


def test_readme_config_uses_the_declared_hooks() -> None:
    from ..support.readme import readme_blocks

    [block] = [b for b in readme_blocks() if b.section == "### pre-commit" and b.language == "yaml"]
    declared = {hook["id"] for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    [repo] = yaml.safe_load(block.text)["repos"]
    assert {hook["id"] for hook in repo["hooks"]} <= declared
    assert "# - id: aws-bindings-regenerate" in block.text
