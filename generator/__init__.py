"""Spec-driven generator of typed AWS JSON 1.1 bindings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

VERSION = "0.1.0"

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, SpecError
    from .pipeline import compile_spec, generate

__all__ = ["VERSION", "Diagnostic", "SpecError", "compile_spec", "generate"]
_LAZY = {"Diagnostic": "diagnostics", "SpecError": "diagnostics", "compile_spec": "pipeline", "generate": "pipeline"}


def __getattr__(name: str) -> Any:
    # Imported on first use: the pipeline pulls in black, Jinja2 and datamodel-code-generator,
    # which a command that finds everything current (or only prints its help) never needs.
    if name not in _LAZY:
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
