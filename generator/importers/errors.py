"""Problems with a model file, located like spec problems: FILE:LINE:COLUMN where the text is
at hand, and always the JSON path inside the model."""

from __future__ import annotations

from ..diagnostics import Diagnostic

ModelPath = tuple[str | int, ...]


class ModelError(Exception):
    """A model that cannot be imported; the CLI prints every diagnostic and exits 2."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


def format_path(path: ModelPath) -> str:
    text = "$"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f"[{_quote(part)}]" if not part.isidentifier() else f".{part}"
    return text


def _quote(key: str) -> str:
    shown = key if len(key) <= 80 else key[:79] + "…"
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'
