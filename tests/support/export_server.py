"""`python -m pollforjobs.server` run as a user would: a seed file, a credentials file, port 0."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ACCESS_KEY = "AKIDEXPORTTEST000001"
SECRET_KEY = "export-test-secret/K7MDENG+bPxRfiCY"
REGION = "us-east-1"


@contextmanager
def served(folder: Path, jobs: list[dict[str, Any]]) -> Iterator[str]:
    """Start the server with `jobs` seeded and SigV4 required; yield its base URL."""
    seed = folder / "jobs.json"
    seed.write_text(json.dumps({"jobs": jobs}), encoding="utf-8")
    credentials = folder / "credentials.json"
    credentials.write_text(json.dumps({ACCESS_KEY: SECRET_KEY}), encoding="utf-8")
    command = [sys.executable, "-m", "pollforjobs.server", "--host", "127.0.0.1", "--port", "0"]
    command += ["--jobs", str(seed), "--credentials", str(credentials), "--log-level", "info"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    urls: list[str] = []
    started = threading.Event()

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
            if match and not urls:
                urls.append(match.group(1))
                started.set()
        started.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        started.wait(30)
        assert urls, "the server did not start:\n" + "".join(lines)
        yield urls[0]
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        reader.join(5)
    log = "".join(lines)
    assert SECRET_KEY not in log, "the server logged a secret key"
    assert "Traceback" not in log, log
