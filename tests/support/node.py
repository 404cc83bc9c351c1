"""Running the Node tools in tests/js (installed from its lock file by `npm ci --prefix tests/js`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..conftest import ROOT

JS = ROOT / "tests" / "js"
INSTALL_HINT = "run: npm ci --prefix tests/js"


def node_tool(name: str) -> Path:
    """The path of an installed package's executable in tests/js/node_modules/.bin."""
    path = JS / "node_modules" / ".bin" / name
    assert path.exists(), f"{name} is not installed in tests/js; {INSTALL_HINT}"
    return path


def run_node(script: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "Node.js is not on PATH"
    assert (JS / "node_modules").is_dir(), f"tests/js has no node_modules; {INSTALL_HINT}"
    return subprocess.run([node, str(JS / script), *args], check=False, cwd=JS, capture_output=True, text=True, timeout=timeout)
