"""Threads for a server's sync handler methods: the hop `loop.run_in_executor` makes, cheaper.

A call goes to an idle thread; when none is idle a new one starts, up to `max_threads` (as
many as the event loop's default executor would have), so a handler method that blocks holds
up no other request while threads remain. A thread idle for `idle_seconds` ends.

Where `run_in_executor` wraps a `concurrent.futures.Future` in an asyncio one and wakes the
loop once per call, a finished call here goes straight into a mailbox of its event loop, and
one wake-up of the loop hands over every call finished since the last: under load several.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import deque
from collections.abc import Callable
from queue import Empty, SimpleQueue
from typing import Any, Final

DEFAULT_MAX_THREADS: Final = min(32, (os.cpu_count() or 1) + 4)


class _Mailbox:
    """Finished calls waiting for their event loop to take them."""

    __slots__ = ("done", "loop", "scheduled")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.done: deque[tuple[asyncio.Future[Any], bool, Any]] = deque()
        self.scheduled = False

    def post(self, future: asyncio.Future[Any], ok: bool, value: Any) -> None:
        self.done.append((future, ok, value))
        if not self.scheduled:
            self.scheduled = True
            try:
                self.loop.call_soon_threadsafe(self._deliver)
            except RuntimeError:  # the loop has closed: no one waits for the answer
                self.done.clear()

    def _deliver(self) -> None:
        # Cleared before the queue is read: a call posted meanwhile schedules another wake-up.
        self.scheduled = False
        done = self.done
        while done:
            future, ok, value = done.popleft()
            if future.cancelled():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)


_Job = tuple[Callable[[Any], Any], Any, asyncio.Future[Any], _Mailbox]


class HandlerThreads:
    """A pool of threads running one-argument calls for coroutines on any event loop."""

    def __init__(
        self, max_threads: int = DEFAULT_MAX_THREADS, *, idle_seconds: float = 60.0
    ) -> None:
        if max_threads < 1:
            raise ValueError(f"max_threads must be at least 1, got {max_threads}")
        self.max_threads = max_threads
        self._idle_seconds = idle_seconds
        self._jobs: SimpleQueue[_Job] = SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0  # threads waiting for a job that no call has claimed yet
        self._mailbox: _Mailbox | None = None

    def __repr__(self) -> str:
        return f"HandlerThreads(max_threads={self.max_threads}, running={self._threads})"

    def call(self, function: Callable[[Any], Any], argument: Any) -> asyncio.Future[Any]:
        """A future of `function(argument)` run in one of the threads."""
        loop = asyncio.get_running_loop()
        mailbox = self._mailbox
        if mailbox is None or mailbox.loop is not loop:
            mailbox = self._mailbox = _Mailbox(loop)
        future = loop.create_future()
        with self._lock:
            if self._idle:
                self._idle -= 1
            elif self._threads < self.max_threads:
                self._threads += 1
                threading.Thread(target=self._work, name="handler", daemon=True).start()
        self._jobs.put((function, argument, future, mailbox))
        return future

    def _work(self) -> None:
        jobs, lock = self._jobs, self._lock
        while True:
            try:
                function, argument, future, mailbox = jobs.get(timeout=self._idle_seconds)
            except Empty:
                with lock:
                    if self._idle:  # unclaimed: no job is on its way to this thread
                        self._idle -= 1
                        self._threads -= 1
                        return
                continue
            try:
                ok, value = True, function(argument)
            except BaseException as exc:  # noqa: BLE001 - the caller's await raises it
                ok, value = False, exc
            # Idle before the answer is posted: posting lets go of the GIL, and the loop may
            # take it and make its next call before this thread has it back.
            with lock:
                self._idle += 1
            mailbox.post(future, ok, value)
            del function, argument, future, mailbox, value
