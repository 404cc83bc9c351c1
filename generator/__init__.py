"""Spec-driven generator of typed AWS JSON 1.1 bindings."""

from .diagnostics import Diagnostic, SpecError
from .pipeline import generate

__all__ = ["Diagnostic", "SpecError", "generate"]
