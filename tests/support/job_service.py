"""`python -m pollforjobs.server` as a real subprocess on a free loopback port, for the job
service tests, with boto3 clients pointed at it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any, Self

import boto3
from botocore.config import Config

ACTION_TYPE = {"category": "Build", "owner": "Custom", "provider": "MyTool", "version": "1"}
_RUNNING = re.compile(r"Uvicorn running on (http://\S+)")
_S3 = re.compile(r"^S3 endpoint: (http://\S+)$")


def seed_file(folder: Path, jobs: list[dict[str, Any]], name: str = "seed.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"actionTypes": [ACTION_TYPE], "jobs": jobs}), encoding="utf-8")
    return path


def job(**data: Any) -> dict[str, Any]:
    return {"data": {"actionTypeId": ACTION_TYPE, **data}}


class JobService:
    """The server process; `url`, `s3_url` (with --s3), the output it printed in `lines`."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.env = env
        self.lines: list[str] = []
        self.url = ""
        self.s3_url = ""
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        command = [sys.executable, "-m", "pollforjobs.server", "--port", "0", *self.args]
        env = dict(os.environ) | (self.env or {})
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if found := _S3.match(line.strip()):
                self.s3_url = found.group(1)
            if found := _RUNNING.search(line):
                self.url = found.group(1)
                break
        if not self.url:
            raise RuntimeError("the server did not start:\n" + "".join(self.lines))
        threading.Thread(target=self._drain, daemon=True).start()
        return self

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def kill(self) -> None:
        """SIGKILL: no shutdown, nothing flushed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def client(self) -> Any:
        return boto3.client(
            "codepipeline",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="AKIDLOCALEXAMPLE",
            aws_secret_access_key="local-secret-key",
            config=Config(retries={"max_attempts": 1}),
        )

    def console(self, path: str = "api/jobs", body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(f"{self.url}/_local/{path}", data=data, headers=headers or {})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())

    def jobs(self) -> dict[str, dict[str, Any]]:
        return {shown["id"]: shown for shown in self.console()["jobs"]}
