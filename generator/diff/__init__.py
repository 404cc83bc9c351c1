"""Spec evolution: every change between two versions of an API, judged breaking, warning or
info by where the operations use what changed (see engine.py and the rule table in rules.py).

    from generator.diff import diff
    changes = diff(compile_spec(old_path), compile_spec(new_path))            # callers' side
    changes = diff(old_service, new_service, perspective="server")            # implementers' side
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .change import BREAKING, INFO, PERSPECTIVES, SEVERITIES, WARNING, Change, is_breaking

if TYPE_CHECKING:
    from .engine import diff, usage
    from .rules import Rule, all_rules

__all__ = ["BREAKING", "INFO", "PERSPECTIVES", "SEVERITIES", "WARNING", "Change", "Rule", "all_rules", "diff", "is_breaking", "usage"]
_LAZY = {"diff": "engine", "usage": "engine", "Rule": "rules", "all_rules": "rules"}


def __getattr__(name: str) -> Any:
    # The engine and the rules pull in the IR and the patterns: every command's parser imports
    # change.py (the diff command's choices), and only the diff command needs the rest.
    if name not in _LAZY:
        raise AttributeError(f"module 'generator.diff' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_LAZY[name]}", __name__), name)
