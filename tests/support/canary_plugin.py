"""A pytest plugin that scans the whole test run for the canary secrets of tests/support/canary.py.

From the start of the session, a handler on the root logger (and on uvicorn's loggers, which
do not propagate) formats every log record that any test emits, tracebacks included, and
looks for the canaries; every test report is scanned too (captured stdout, stderr and log,
and the failure text). If a canary shows up anywhere, the session fails at the end, naming
where (never the secret). tests/conftest.py loads it.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from . import canary

# uvicorn's dictConfig replaces its loggers' handlers whenever a server is configured, so the
# handler is put back before each test runs.
_NON_PROPAGATING = ("uvicorn", "uvicorn.access")


class CanaryScan(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.records = 0
        self.reports = 0
        self.leaks: list[str] = []
        self.in_worker = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is scanned raw
            text = f"{record.msg!r} {record.args!r}"
        self.records += 1
        shown = canary.found_in(text)
        if shown:
            self.leaks.append(f"log record of {record.name!r} at {record.pathname}:{record.lineno} shows {shown}")

    def scan_report(self, report: pytest.TestReport) -> None:
        self.reports += 1
        texts = [(title, content) for title, content in report.sections]
        if report.failed:
            texts.append(("failure", report.longreprtext))
        for title, content in texts:
            shown = canary.found_in(content)
            if shown:
                self.leaks.append(f"{report.nodeid} ({report.when}): {title} shows {shown}")

    def attach(self) -> None:
        for name in ("", *_NON_PROPAGATING):
            logger = logging.getLogger(name)
            if self not in logger.handlers:
                logger.addHandler(self)

    def detach(self) -> None:
        for name in ("", *_NON_PROPAGATING):
            logging.getLogger(name).removeHandler(self)


_SCAN = CanaryScan()


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    _SCAN.in_worker = _is_xdist_worker(session.config)
    _SCAN.attach()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    _SCAN.attach()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Under pytest-xdist the controller receives every worker's reports and scans them there.
    if not _SCAN.in_worker:
        _SCAN.scan_report(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _SCAN.detach()
    if _SCAN.in_worker:
        # The log records were seen in this worker; the controller adds them up and fails the run.
        session.config.workeroutput["canary_scan"] = {"records": _SCAN.records, "leaks": _SCAN.leaks}  # type: ignore[attr-defined]
        return
    if _SCAN.leaks and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    found = getattr(node, "workeroutput", {}).get("canary_scan")
    if found:
        _SCAN.records += found["records"]
        _SCAN.leaks.extend(found["leaks"])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SCAN.leaks:
        terminalreporter.section("canary secrets shown", sep="=", red=True, bold=True)
        for leak in _SCAN.leaks:
            terminalreporter.line(leak, red=True)
    terminalreporter.write_line(
        f"canary scan: {_SCAN.records} log records and {_SCAN.reports} test reports scanned, "
        f"{len(_SCAN.leaks)} showed a canary secret"
    )
