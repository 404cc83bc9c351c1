"""The threads that run a server's sync handler methods (runtime.handler_threads), and the
guarantee they keep: a sync handler method that blocks holds up no other request."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import pytest
from runtime.handler_threads import DEFAULT_MAX_THREADS, HandlerThreads
from runtime.protocols.aws_json import AwsJsonServer
from runtime.server import Application

from .asgi import PREFIX, TARGET, PutWidgetInput, PutWidgetOutput, spec


async def put(application: Any, widget_id: str) -> int:
    """One PutWidget through the ASGI interface, on the running loop; the answer's version."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": json.dumps({"widgetId": widget_id}).encode()}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"x-amz-target", TARGET.encode()), (b"content-type", b"application/x-amz-json-1.0")]
    await application({"type": "http", "method": "POST", "path": "/", "query_string": b"", "headers": headers}, receive, send)
    assert sent[0]["status"] == 200, sent
    return int(json.loads(sent[1]["body"])["version"])


class WaitsForRelease:
    """`wait` requests block their thread until a `release` request has been answered."""

    def __init__(self, patience: float) -> None:
        self.released = threading.Event()
        self.patience = patience

    def put_widget(self, request: PutWidgetInput) -> PutWidgetOutput:
        if request.widget_id == "release":
            self.released.set()
            return PutWidgetOutput(version=2)
        return PutWidgetOutput(version=1 if self.released.wait(self.patience) else 0)


def serve_blocked_then_release(sync_in_thread: bool, waiting: int, patience: float = 10.0) -> list[int]:
    application = Application(
        spec(AwsJsonServer("1.0", PREFIX)), WaitsForRelease(patience), credentials=None, max_body_bytes=1024, clock_skew=300.0, clock=time.time, sync_in_thread=sync_in_thread
    )

    async def run() -> list[int]:
        blocked = [asyncio.ensure_future(put(application, "wait")) for _ in range(waiting)]
        await asyncio.sleep(0.05)  # every `wait` request reaches the handler first
        release = asyncio.ensure_future(put(application, "release"))
        return list(await asyncio.gather(*blocked, release))

    return asyncio.run(run())


def test_blocking_sync_handlers_hold_up_no_other_request() -> None:
    # Four calls block until a fifth, sent after them, is answered: each needs its own thread.
    assert serve_blocked_then_release(sync_in_thread=True, waiting=4) == [1, 1, 1, 1, 2]


def test_an_apps_blocked_handlers_hold_up_no_other_apps() -> None:
    # As many calls as an app has threads block one app; another app's call, which releases
    # them, still gets a thread of its own.
    handler = WaitsForRelease(10.0)
    blocked_app, other_app = (
        Application(spec(AwsJsonServer("1.0", PREFIX)), handler, credentials=None, max_body_bytes=1024, clock_skew=300.0, clock=time.time, sync_in_thread=True) for _ in range(2)
    )

    async def run() -> list[int]:
        blocked = [asyncio.ensure_future(put(blocked_app, "wait")) for _ in range(DEFAULT_MAX_THREADS)]
        await asyncio.sleep(0.05)
        release = asyncio.ensure_future(put(other_app, "release"))
        return list(await asyncio.gather(*blocked, release))

    assert asyncio.run(run()) == [1] * DEFAULT_MAX_THREADS + [2]


def test_on_the_loop_a_blocking_handler_stalls_the_others() -> None:
    # What the threads prevent (and the test above would see without them): the release runs
    # only after the blocked call gave up waiting.
    assert serve_blocked_then_release(sync_in_thread=False, waiting=1, patience=0.3) == [0, 2]


def test_results_and_exceptions_reach_the_awaiting_coroutine() -> None:
    threads = HandlerThreads(2)

    def fail(_: object) -> None:
        raise KeyError("from the thread")

    async def run() -> tuple[list[object], BaseException | None]:
        results = await asyncio.gather(*(threads.call(lambda n: n * 2, n) for n in range(50)))
        try:
            await threads.call(fail, None)
        except KeyError as exc:
            return list(results), exc
        return list(results), None

    results, error = asyncio.run(run())
    assert results == [n * 2 for n in range(50)]
    assert isinstance(error, KeyError) and error.args == ("from the thread",)
    assert threads._threads <= 2


def test_calls_are_never_run_on_the_loop_thread_and_no_more_threads_start_than_the_cap() -> None:
    threads = HandlerThreads(3)
    seen: set[int] = set()
    gate = threading.Barrier(3, timeout=10)

    def record(_: object) -> int:
        seen.add(threading.get_ident())
        gate.wait()  # three at once: each call holds its thread until all three are in
        return threading.get_ident()

    async def run() -> list[int]:
        return list(await asyncio.gather(*(threads.call(record, None) for _ in range(3))))

    idents = asyncio.run(run())
    assert len(set(idents)) == 3 and threading.get_ident() not in seen
    assert threads._threads == 3


def test_idle_threads_end_and_new_calls_start_new_ones() -> None:
    threads = HandlerThreads(2, idle_seconds=0.05)
    assert asyncio.run(_one(threads)) == 7
    deadline = time.monotonic() + 10
    while threads._threads and time.monotonic() < deadline:
        time.sleep(0.02)
    assert threads._threads == 0
    assert asyncio.run(_one(threads)) == 7


async def _one(threads: HandlerThreads) -> int:
    result: int = await threads.call(lambda n: n + 6, 1)
    return result


def test_an_answer_for_a_closed_loop_is_dropped() -> None:
    threads = HandlerThreads(1)
    started, finish = threading.Event(), threading.Event()

    def slow(_: object) -> int:
        started.set()
        finish.wait(10)
        return 1

    async def run() -> None:
        threads.call(slow, None)
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)

    asyncio.run(run())  # the loop closes with the call still running
    finish.set()
    assert asyncio.run(_one(threads)) == 7  # the thread survived posting to the closed loop


def test_at_least_one_thread() -> None:
    with pytest.raises(ValueError, match="max_threads must be at least 1"):
        HandlerThreads(0)
