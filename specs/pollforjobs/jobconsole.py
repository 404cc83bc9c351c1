"""The local console of the job service, under /_local/: not part of AWS's API.

- `POST /_local/api/jobs` takes one job shaped like a seed-file entry and answers
  `{"id", "status"}` (400 `{"message"}` when it is not a valid job);
- `GET /_local/api/jobs` answers `{"jobs": [...]}` and `GET /_local/api/jobs/{id}` one job (404
  when unknown), as `JobQueue.jobs` shows them: never a nonce or artifact credentials;
- `GET /_local/` is an HTML page (no build step, nothing from outside the machine) that lists
  the jobs, updates itself every second and has a form to queue a job.

It answers only loopback clients unless an admin token is given; then every client must send
`Authorization: Bearer TOKEN` (or open `/_local/?token=TOKEN` once, which sets a cookie).
Everything else goes to the CodePipeline app behind it.
(Source: specs/pollforjobs/jobconsole.py; the generator copies it into the package.)
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, Mapping
from http.cookies import SimpleCookie
from typing import Any, Final
from urllib.parse import parse_qs

from .jobqueue import JobQueue, SeedError

PREFIX: Final = "/_local/"
MAX_BODY_BYTES: Final = 1024 * 1024
COOKIE: Final = "pollforjobs_console"

Scope = Mapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class Console:
    """An ASGI app: the console under /_local/, `app` for every other path."""

    def __init__(self, app: App, queue: JobQueue, *, admin_token: str | None = None) -> None:
        self.app = app
        self.queue = queue
        self._token = admin_token

    def __repr__(self) -> str:  # never the token
        return f"Console(app={self.app!r}, token={'set' if self._token else 'none'})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == PREFIX.rstrip("/") or path.startswith(PREFIX)):
            await self.app(scope, receive, send)
            return
        status, body, content_type, extra = await self._answer(scope, receive, path)
        headers = [
            (b"content-type", content_type.encode("ascii")),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
            (
                b"content-security-policy",
                b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(
        self, scope: Scope, receive: Receive, path: str
    ) -> tuple[int, bytes, str, list[tuple[bytes, bytes]]]:
        allowed, set_cookie = self._allowed(scope)
        if not allowed:
            return _json(
                403, {"message": "The console answers loopback clients, or the admin token."}
            )
        if path == "/_local":
            return 308, b"", "text/plain", [(b"location", PREFIX.encode("ascii"))]
        status, body, content_type = await self._route(scope, receive, path)
        extra = []
        if set_cookie and self._token is not None:
            cookie = f"{COOKIE}={self._token}; HttpOnly; SameSite=Strict; Path={PREFIX}"
            extra.append((b"set-cookie", cookie.encode("latin-1")))
        return status, body, content_type, extra

    async def _route(self, scope: Scope, receive: Receive, path: str) -> tuple[int, bytes, str]:
        method = scope["method"]
        if path == PREFIX:
            if method != "GET":
                return _json(405, {"message": "GET /_local/"})[:3]
            return 200, PAGE.encode("utf-8"), "text/html; charset=utf-8"
        if path == "/_local/api/jobs":
            if method == "GET":
                return _json(200, {"jobs": await asyncio.to_thread(self.queue.jobs)})[:3]
            if method == "POST":
                return await self._queue_job(receive)
            return _json(405, {"message": "GET or POST /_local/api/jobs"})[:3]
        if path.startswith("/_local/api/jobs/") and method == "GET":
            found = await asyncio.to_thread(self.queue.jobs, path.removeprefix("/_local/api/jobs/"))
            if not found:
                return _json(404, {"message": "No job has this id."})[:3]
            return _json(200, found[0])[:3]
        return _json(404, {"message": "Not a console path: see /_local/."})[:3]

    def _allowed(self, scope: Scope) -> tuple[bool, bool]:
        """Whether the client may use the console, and whether to set the token's cookie."""
        if self._token is None:
            client = scope.get("client") or ("", 0)
            try:
                return ipaddress.ip_address(client[0]).is_loopback, False
            except ValueError:
                return False, False
        headers = dict(scope.get("headers", []))
        token = self._token.encode("utf-8")
        given = headers.get(b"authorization", b"")
        if hmac.compare_digest(given, b"Bearer " + token):
            return True, False
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        if COOKIE in cookie and hmac.compare_digest(cookie[COOKIE].value.encode("utf-8"), token):
            return True, False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if any(
            hmac.compare_digest(value.encode("utf-8"), token) for value in query.get("token", [])
        ):
            return True, True
        return False, False

    async def _queue_job(self, receive: Receive) -> tuple[int, bytes, str]:
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return _json(413, {"message": f"A job is at most {MAX_BODY_BYTES} bytes."})[:3]
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        try:
            entry = json.loads(b"".join(chunks))
        except ValueError:
            return _json(
                400,
                {"message": "The body is not JSON: send one job, shaped like a seed-file entry."},
            )[:3]
        try:
            (job,) = await asyncio.to_thread(self.queue.add_seed, {"jobs": [entry]})
        except SeedError as exc:
            return _json(400, {"message": str(exc)})[:3]
        return _json(201, {"id": job.id, "status": "Queued"})[:3]


def _json(status: int, value: Any) -> tuple[int, bytes, str, list[tuple[bytes, bytes]]]:
    return status, json.dumps(value).encode("utf-8"), "application/json", []


PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Local CodePipeline jobs</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
.Succeeded { color: #176317; } .Failed, .TimedOut { color: #a11; } .InProgress { color: #124f9c; }
textarea { width: 100%; font-family: monospace; }
#error { color: #a11; }
</style>
</head>
<body>
<h1>Local CodePipeline jobs</h1>
<form id="queue">
<label for="job">Queue a job (one seed-file entry, JSON):</label>
<textarea id="job" name="job" rows="6">{"data": {"actionTypeId": {"category": "Build", "owner": "Custom", "provider": "MyTool", "version": "1"}}}</textarea>
<button type="submit">Queue</button> <span id="error" role="alert"></span>
</form>
<p id="summary"></p>
<table>
<thead><tr><th>id</th><th>status</th><th>action type</th><th>hand-outs</th><th>acks</th><th>details</th><th>continues</th></tr></thead>
<tbody id="jobs"></tbody>
</table>
<script>
"use strict";
function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (cls) td.className = cls;
  row.appendChild(td);
}
function details(job) {
  const parts = [];
  if (job.executionDetails) parts.push("execution: " + JSON.stringify(job.executionDetails));
  if (job.outputVariables) parts.push("variables: " + JSON.stringify(job.outputVariables));
  if (job.failureDetails) parts.push("failure: " + JSON.stringify(job.failureDetails));
  if (job.continuationToken) parts.push("continued with: " + job.continuationToken);
  return parts.join("; ");
}
async function refresh() {
  try {
    const answer = await fetch("api/jobs", {cache: "no-store"});
    if (!answer.ok) return;
    const jobs = (await answer.json()).jobs;
    const body = document.getElementById("jobs");
    body.replaceChildren();
    const counts = {};
    for (const job of jobs) {
      counts[job.status] = (counts[job.status] || 0) + 1;
      const row = document.createElement("tr");
      row.id = "job-" + job.id;
      const type = job.actionTypeId || {};
      cell(row, job.id);
      cell(row, job.status, job.status);
      cell(row, [type.category, type.owner, type.provider, type.version].join("/"));
      cell(row, job.handOuts.length);
      cell(row, job.acknowledgements.length);
      cell(row, details(job));
      cell(row, job.continues);
      body.appendChild(row);
    }
    document.getElementById("summary").textContent =
      jobs.length + " jobs: " + Object.entries(counts).map(([s, n]) => n + " " + s).join(", ");
  } catch (e) { /* the server restarts: try again on the next tick */ }
}
document.getElementById("queue").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  error.textContent = "";
  const answer = await fetch("api/jobs", {method: "POST", headers: {"content-type": "application/json"},
                                          body: document.getElementById("job").value});
  if (!answer.ok) error.textContent = (await answer.json()).message;
  await refresh();
});
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
"""
