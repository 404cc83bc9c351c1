"""The generated server's own time per request by stage, inside a real uvicorn process under load.

Run: python bench/server_in_uvicorn.py [--seconds S] [--connections C]   (bench/bench_server.py
     prints it after its table)

server_stages.py times each stage alone in a loop of its own, where the code and its data stay
in the CPU's caches; in a server the same stage runs between uvicorn's parsing, the socket's
system calls and seven other requests, and costs several times as much. Here each contender is
served by uvicorn in a child process exactly as bench_server.py serves it, with the stages
wrapped in clock reads (perf_counter_ns: none of them waits, so wall time is its CPU time), and
loaded by the same 8 keep-alive connections; the child sums the clocks between two signals.
Stages: uvicorn's receive (the body, already read), parse (the codec's read of the body), validate (the generated validators), model
(pydantic's input model), handler, serialize (the codec's write of the answer), uvicorn's send
(its two send calls, which write the socket) and the rest of the app's call (headers, routing,
answer headers, logging check); "app call" is the whole ASGI call, "process" the server
process's whole CPU time per request from /proc (uvicorn's parser and loop besides), each as
µs per request. The bare app is wrapped the same way, so its row shows what any app pays in
uvicorn. The async handler only: a sync handler's call waits for its thread, and a clock
around it would count other requests' work.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

STAGES = ("uvicorn receive", "parse", "validate", "model", "handler", "serialize", "uvicorn send")
CONTENDERS = ("bare", "async handler")


class _Clocks:
    """Nanoseconds per stage, summed from the last reset."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.calls = 0

    def reset(self) -> None:
        self.totals, self.calls = {}, 0

    def add(self, stage: str, nanoseconds: int) -> None:
        self.totals[stage] = self.totals.get(stage, 0) + nanoseconds

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        clock = time.perf_counter_ns

        def call(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return function(*args, **kwargs)
            finally:
                self.add(stage, clock() - started)

        return call


class _TimedValidator:
    """A pydantic validator whose validate_python is timed as the model stage."""

    def __init__(self, validator: Any, clocks: _Clocks) -> None:
        self._validator = validator
        self.validate_python = clocks.timed("model", validator.validate_python)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._validator, name)


def _instrument(app: Any, clocks: _Clocks) -> Any:
    """`app` (the generated server's Application, or the bare app) with its stages timed."""
    clock = time.perf_counter_ns
    if hasattr(app, "_operations"):
        from pollforjobs._runtime.protocols.json_codec import JsonCodec

        JsonCodec.decode_request = clocks.timed("parse", JsonCodec.decode_request)  # type: ignore[method-assign]
        JsonCodec.encode_model = clocks.timed("serialize", JsonCodec.encode_model)  # type: ignore[method-assign]
        for key, operation in list(app._operations.items()):
            model = type(operation.input_model.__name__, (), {"__pydantic_validator__": _TimedValidator(operation.input_model.__pydantic_validator__, clocks)})
            app._operations[key] = replace(operation, validate=clocks.timed("validate", operation.validate), input_model=model)
        for key, (method, is_async) in list(app._methods.items()):

            async def timed_method(request: Any, method: Any = method) -> Any:
                started = clock()
                try:
                    return await method(request)
                finally:
                    clocks.add("handler", clock() - started)

            app._methods[key] = (timed_method, is_async)

    async def timed_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def timed_send(message: dict[str, Any]) -> None:
            started = clock()
            try:
                await send(message)
            finally:
                clocks.add("uvicorn send", clock() - started)

        async def timed_receive() -> dict[str, Any]:
            started = clock()
            try:
                return await receive()  # type: ignore[no-any-return]
            finally:
                clocks.add("uvicorn receive", clock() - started)

        started = clock()
        try:
            await app(scope, timed_receive, timed_send)
        finally:
            clocks.add("app call", clock() - started)
            clocks.calls += 1

    return timed_app


def serve(kind: str, stack: str, report: str) -> None:
    """The child: bench_server's server for `kind` on `stack`, its stages timed; SIGUSR1 resets
    the clocks, SIGUSR2 writes them to `report`."""
    import bench_server

    clocks = _Clocks()
    signal.signal(signal.SIGUSR1, lambda *_: clocks.reset())

    def write(*_: object) -> None:
        Path(report).write_text(json.dumps({"totals": clocks.totals, "calls": clocks.calls}))

    signal.signal(signal.SIGUSR2, write)
    bench_server.serve(kind, stack, None, wrap=lambda app: _instrument(app, clocks))


def _staged_run(kind: str, stack: str, seconds: float, connections: int) -> dict[str, float]:
    import bench_server

    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "clocks.json"
        command = [sys.executable, __file__, "--serve", kind, "--stack", stack, "--report", str(report)]
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            assert child.stdout is not None
            port = int(child.stdout.readline())
            bench_server._wait_for(port, child)
            request = bench_server.http_request(port, bench_server.sample_request(), False)
            run_load = bench_server._runner()
            run_load(bench_server._load(port, request, 1.0, connections))
            child.send_signal(signal.SIGUSR1)
            time.sleep(0.2)
            cpu_before = bench_server.server_cpu(child.pid)
            run_load(bench_server._load(port, request, seconds, connections))
            cpu = bench_server.server_cpu(child.pid) - cpu_before
            child.send_signal(signal.SIGUSR2)
            deadline = time.monotonic() + 10
            while not report.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.1)
            found = json.loads(report.read_text())
        finally:
            child.terminate()
            child.wait(30)
    calls = max(found["calls"], 1)
    figures = {stage: nanoseconds / calls / 1000 for stage, nanoseconds in found["totals"].items()}
    inner = sum(figures.get(stage, 0.0) for stage in STAGES)
    figures["rest of the app"] = figures["app call"] - inner
    figures["process"] = cpu / calls * 1e6
    return figures


def measure(stacks: list[str], seconds: float = 3.0, connections: int = 8) -> None:
    columns = (*STAGES, "rest of the app", "app call", "process")
    print(f"the server's own time per request by stage inside uvicorn, {connections} keep-alive connections, {seconds:g} s each (bench/server_in_uvicorn.py), µs:")
    widths = [max(10, len(name)) + 2 for name in columns]
    print(f"{'stack':<10} {'contender':<15}" + "".join(f"{name:>{width}}" for name, width in zip(columns, widths, strict=True)))
    for stack in stacks:
        for kind in CONTENDERS:
            figures = _staged_run(kind, stack, seconds, connections)
            cells = (f"{figures[name]:{width}.1f}" if name in figures else f"{'-':>{width}}" for name, width in zip(columns, widths, strict=True))
            print(f"{stack:<10} {kind:<15}" + "".join(cells))
    print("(process: the server's whole CPU time per request; process less app call: uvicorn's parser and loop)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--stack", default="h11", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.stack, args.report)
        return
    import bench_server

    measure(bench_server.stacks(), args.seconds, args.connections)


if __name__ == "__main__":
    main()
