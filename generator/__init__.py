"""Spec-driven generator of typed AWS JSON 1.1 bindings."""

from .diagnostics import Diagnostic, SpecError
from .pipeline import compile_spec, generate

__all__ = ["Diagnostic", "SpecError", "compile_spec", "generate"]
