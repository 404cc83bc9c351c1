"""Spec evolution: every change between two versions of an API, judged breaking, warning or
info by where the operations use what changed (see engine.py and the rule table in rules.py).

    from generator.diff import diff
    changes = diff(compile_spec(old_path), compile_spec(new_path))            # callers' side
    changes = diff(old_service, new_service, perspective="server")            # implementers' side
"""

from __future__ import annotations

from .change import BREAKING, INFO, PERSPECTIVES, SEVERITIES, WARNING, Change, is_breaking
from .engine import diff, usage
from .rules import Rule, all_rules

__all__ = ["BREAKING", "INFO", "PERSPECTIVES", "SEVERITIES", "WARNING", "Change", "Rule", "all_rules", "diff", "is_breaking", "usage"]
