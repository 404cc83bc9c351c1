"""A second process for the models stage, beside the rest of the build.

datamodel-code-generator (its imports and first-run setup, then its run) is the longest stage
and needs only the model document; the templates, exports and black need only the IR. So a
run that builds forks a worker first: it imports the tool while this process loads and checks
the spec, then runs the models job while this process renders the rest, and black goes over
the models here (black is loaded here already; the worker would have to load it too). On a
machine with a second core that is wall time saved; CPU time is the same. The command line
(entry.py) may fork it before its own imports (`start_early`); the run then takes that one.

Jobs go over a pipe one at a time (function, arguments; pickled) and come back as the
result or the exception. Where fork is missing (Windows), one core is all this process may
use, threads are running (fork would copy their locks), or `AWS_BINDING_GENERATOR_WORKER=off`,
jobs run in this process: the same functions, so the same output. A worker that dies is not
an error: its job is run here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from .progress import active

VARIABLE = "AWS_BINDING_GENERATOR_WORKER"
T = TypeVar("T")
# The worker's first task; its argument says whether a job is already waiting.
WarmUp = Callable[[Callable[[], bool]], object]
_HEADER = struct.Struct("!Q")


class Worker:
    def __init__(self, pid: int, jobs: int, results: int) -> None:
        self.pid = pid
        self._jobs = os.fdopen(jobs, "wb")
        self._results = os.fdopen(results, "rb")
        self._waiting: Pending[Any] | None = None
        self.alive = True

    def submit(self, function: Callable[..., T], *args: Any) -> Pending[T]:
        if self._waiting is not None:
            self._waiting.result()  # one job at a time: a result left unread could block the pipe
        pending: Pending[T] = Pending(self, function, args)
        if self.alive:
            try:
                _send(self._jobs, (function, args))
            except (OSError, pickle.PicklingError):
                self.alive = False
        self._waiting = pending if self.alive else None
        return pending

    def receive(self) -> tuple[bool, Any] | None:
        self._waiting = None
        try:
            return _receive(self._results) if self.alive else None
        except (OSError, EOFError, pickle.UnpicklingError):
            self.alive = False
            return None

    def close(self) -> None:
        for stream in (self._jobs, self._results):
            try:
                stream.close()
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


class Pending(Generic[T]):
    """A job's result, from the worker, or computed here when there is none (or it died)."""

    def __init__(self, worker: Worker | None, function: Callable[..., T], args: tuple[Any, ...]) -> None:
        self._worker = worker
        self._function = function
        self._args = args
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None

    def result(self) -> T:
        if not self._done:
            self._done = True
            answer = self._worker.receive() if self._worker is not None else None
            if answer is None:
                self._value = self._function(*self._args)
            elif answer[0]:
                self._value = answer[1]
            else:
                self._error = answer[1]
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[no-any-return]

    @property
    def in_worker(self) -> bool:
        return self._worker is not None and self._worker.alive


class _Slot:
    """The run's worker: the one the command line started early (`start_early`), else one
    forked at the start (`eager`) or at the first job."""

    def __init__(self, warm_up: WarmUp) -> None:
        self.warm_up = warm_up
        self.worker: Worker | None = None
        self.tried = False

    def get(self) -> Worker | None:
        global _early
        if not self.tried:
            self.tried = True
            self.worker, _early, early = _early, None, _early is not None
            if self.worker is None and _can_fork():
                self.worker = _fork(self.warm_up)
            reporter = active()
            if reporter is not None and self.worker is not None:
                when = ", started with the command line" if early else ""
                reporter.why(f"models: datamodel-code-generator runs in a second process (pid {self.worker.pid}{when})")
        return self.worker


_current: ContextVar[_Slot | None] = ContextVar("worker", default=None)
_early: Worker | None = None


def start_early(warm_up: WarmUp) -> None:
    """Fork the worker now, before the command line's own imports (a tenth of a second that
    the tool's imports, the longest stage, need not wait), for the run's first models job;
    `stop_early` ends it if no run took it. The caller's guess that a job will come costs, when
    wrong, the second core's time until then, never this process's."""
    global _early
    if _early is None and _can_fork():
        _early = _fork(warm_up)


def stop_early() -> None:
    global _early
    if _early is not None:
        _early.close()
        _early = None


def submit(function: Callable[..., T], *args: Any) -> Pending[T]:
    """`function(*args)` in the worker of the run, if it has one; its result when asked for."""
    slot = _current.get()
    worker = slot.get() if slot is not None else None
    if worker is None:
        pending: Pending[T] = Pending(None, function, args)
        pending.result()
        return pending
    return worker.submit(function, *args)


@contextmanager
def started(warm_up: WarmUp, *, eager: bool) -> Iterator[None]:
    """A worker for the jobs submitted inside, which runs `warm_up` (the imports) first:
    forked now when `eager` (a job is sure to come), else when the first job does."""
    slot = _Slot(warm_up)
    if eager:
        slot.get()
    token = _current.set(slot)
    try:
        yield
    finally:
        _current.reset(token)
        if slot.worker is not None:
            slot.worker.close()
        stop_early()  # one this run did not need is needed by none


@contextmanager
def beside(function: Callable[..., T], *args: Any) -> Iterator[Pending[T]]:
    """`function(*args)` in a process forked now from this one, so with all this one has
    loaded (black, say), while this one does other work; here when it cannot fork (the rule
    above). The result when asked for; the process ends with the block."""
    helper = _fork(_nothing) if _can_fork() else None
    try:
        yield helper.submit(function, *args) if helper is not None else Pending(None, function, args)
    finally:
        if helper is not None:
            helper.close()


def _nothing(job_waiting: Callable[[], bool]) -> None:
    return None


def _can_fork() -> bool:
    # With one core the second process saves no time and costs its own imports.
    return hasattr(os, "fork") and os.environ.get(VARIABLE, "").lower() != "off" and threading.active_count() == 1 and _cores() > 1


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _fork(warm_up: WarmUp) -> Worker | None:
    jobs_read, jobs_write = os.pipe()
    results_read, results_write = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or the child's exit would write what is buffered a second time
    try:
        pid = os.fork()
    except OSError:
        for fd in (jobs_read, jobs_write, results_read, results_write):
            os.close(fd)
        return None
    if pid == 0:  # pragma: no cover - the child; its work is checked through the parent
        os.close(jobs_write)
        os.close(results_read)
        _serve(jobs_read, results_write, warm_up)
    os.close(jobs_read)
    os.close(results_write)
    return Worker(pid, jobs_write, results_read)


def _serve(jobs_fd: int, results_fd: int, warm_up: WarmUp) -> None:  # pragma: no cover - the child
    """The child's life: never returns into the parent's code, whatever happens."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        jobs, results = os.fdopen(jobs_fd, "rb"), os.fdopen(results_fd, "wb")
        with contextlib.suppress(Exception):  # a job that needs what failed to import reports it
            warm_up(lambda: bool(select.select([jobs_fd], [], [], 0)[0]))  # nothing read from it yet
        while True:
            try:
                function, args = _receive(jobs)
            except EOFError:
                break
            try:
                answer: tuple[bool, Any] = (True, function(*args))
            except Exception as exc:  # noqa: BLE001 - the parent raises it as its own
                answer = (False, exc)
            try:
                _send(results, answer)
            except (pickle.PicklingError, TypeError, AttributeError):
                _send(results, (False, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))
    finally:
        os._exit(0)


def _send(stream: Any, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: Any) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # our own child's answer (or job), over our own pipe
