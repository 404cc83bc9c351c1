"""Hostile documentation in a model stays inert text all the way into a generated package."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import yaml

from .botocore_models import METADATA, write
from .cli import run

PAYLOAD = (
    '<p>Doc """; import os; os.system("touch {canary}"); """ */ export const x = 1; /* {{{{ 7*7 }}}} ${{x}}'
    "<script>touch {canary}</script> &lt;img src=x onerror=alert(1)&gt; \x1b[2J\u202eevil \\ '\\'' </p>"
)


def test_hostile_documentation_is_imported_as_text_and_generates_inert_code(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    doc = PAYLOAD.format(canary=canary)
    model = {
        "metadata": copy.deepcopy(METADATA),
        "documentation": doc,
        "operations": {"Ping": {"name": "Ping", "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "PingInput"}, "output": {"shape": "PingOutput"}, "documentation": doc}},
        "shapes": {
            "PingInput": {"type": "structure", "members": {"note": {"shape": "Note", "documentation": doc}}, "documentation": doc},
            "PingOutput": {"type": "structure", "members": {}},
            "Note": {"type": "string", "documentation": doc},
        },
    }
    spec = tmp_path / "spec.yaml"
    assert run("import", "--model", str(write(tmp_path / "m.json", model)), "--package", "hostile", "--out", str(spec)).returncode == 0
    text = yaml.safe_load(spec.read_text(encoding="utf-8"))["shapes"]["Note"]["documentation"]
    assert text.startswith('Doc """; import os; os.system(') and "<img src=x onerror=alert(1)>" in text
    assert "<script>" not in text and "\x1b" not in text and "\u202e" not in text
    out = tmp_path / "out"
    generated = run("generate", "--spec", str(spec), "--out", str(out))
    assert generated.returncode == 0, generated.stderr
    imported = subprocess.run(
        [sys.executable, "-c", "import hostile, hostile.models, hostile.client, hostile.server, hostile.errors; print(hostile.models.PingInput.__doc__)"],
        cwd=out, capture_output=True, text=True, check=False, timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    assert 'os.system("touch' in imported.stdout
    assert not canary.exists()
