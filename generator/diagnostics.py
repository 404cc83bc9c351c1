"""Spec problems as data: collected, located, printed the way compilers do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    column: int
    message: str
    json_path: str = "$"
    level: str = "error"

    def __str__(self) -> str:
        where = f" (at {self.json_path})" if self.json_path != "$" else ""
        return f"{self.file}:{self.line}:{self.column}: {self.level}: {self.message}{where}"


@dataclass(frozen=True)
class Location:
    """Where something was written in a spec, for a problem found after the spec was checked
    (a file it names that cannot be read, say)."""

    file: str
    line: int
    column: int
    json_path: str = "$"

    def error(self, message: str) -> Diagnostic:
        return Diagnostic(self.file, self.line, self.column, message, self.json_path)


class SpecError(Exception):
    """Raised with every diagnostic found; the CLI prints them and exits 2."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
