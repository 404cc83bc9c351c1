"""The diff's three forms: text for people, JSON for programs, Markdown for a pull request."""

from __future__ import annotations

import json

from .change import BREAKING, SEVERITIES, Change, is_breaking

_HEADINGS = {"breaking": "Breaking", "warning": "Warnings", "info": "Info"}


def summary(changes: list[Change], perspective: str, fail_on: str = BREAKING) -> str:
    """One line: the counts and the verdict."""
    if not changes:
        return "no changes to the API"
    counts = ", ".join(f"{sum(c.severity == s for c in changes)} {s}" for s in SEVERITIES)
    whom = _whom(perspective)
    if any(c.severity == BREAKING for c in changes):
        verdict = f"breaks {whom}"
    elif is_breaking(changes, fail_on):
        verdict = f"breaks no {whom[:-1]}, but warnings count (--fail-on warning)"
    else:
        verdict = f"breaks no {whom[:-1]}"
    return f"{len(changes)} change{'s' if len(changes) != 1 else ''} ({counts}): {verdict}"


def verdict(changes: list[Change], perspective: str = "client") -> list[str]:
    """What `refresh` prints: the summary, then each breaking change and warning (the info
    ones are counted; `diff` lists them)."""
    lines = [f"verdict: {summary(changes, perspective)}"]
    lines += [f"  {c.severity:<8} {c.direction:<9} {c.kind}: {_line(c.message)} (at {c.path})" for c in changes if c.severity != SEVERITIES[-1]]
    return lines


def text(changes: list[Change], old: str, new: str, perspective: str, fail_on: str = BREAKING) -> str:
    lines = [f"{old} -> {new} ({_side(perspective)})"]
    for severity in SEVERITIES:
        group = [c for c in changes if c.severity == severity]
        if group:
            lines.append(f"{severity} ({len(group)}):")
            lines += [f"  {c.direction:<9} {c.kind}: {_line(c.message)} (at {c.path})" for c in group]
    lines.append(summary(changes, perspective, fail_on))
    return "\n".join(lines) + "\n"


def as_json(changes: list[Change]) -> str:
    document = {"breaking": any(c.severity == BREAKING for c in changes), "changes": [c.as_json() for c in changes]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def markdown(changes: list[Change], old: str, new: str, perspective: str, fail_on: str = BREAKING) -> str:
    verdict = "**Breaking**" if any(c.severity == BREAKING for c in changes) else "Not breaking"
    lines = [f"### API changes: `{_code(old)}` → `{_code(new)}`", "", f"{verdict} for {_whom(perspective)}: {summary(changes, perspective, fail_on)}."]
    for severity in SEVERITIES:
        group = [c for c in changes if c.severity == severity]
        if not group:
            continue
        lines += ["", f"#### {_HEADINGS[severity]} ({len(group)})", "", "| Side | Kind | Where | What |", "| --- | --- | --- | --- |"]
        lines += [f"| {c.direction} | `{c.kind}` | `{_code(c.path)}` | {_cell(c.message)} |" for c in group]
    return "\n".join(lines) + "\n"


def _side(perspective: str) -> str:
    return "judged for callers" if perspective == "client" else "judged for servers implementing the API"


def _whom(perspective: str) -> str:
    return "callers" if perspective == "client" else "servers"


def _line(text: str) -> str:
    """One line of printable text: a spec's words reach the terminal escaped, never as control codes."""
    flat = " ".join(text.split())
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in flat)


def _code(text: str) -> str:
    return text.replace("`", "'")


def _cell(text: str) -> str:
    """Text in a table cell: one line, pipes and HTML escaped (a spec's words are not markup)."""
    flat = _line(text)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def rule_table() -> str:
    """The README's table of rules, made from the rule table itself."""
    from .rules import all_rules

    lines = ["| Rule | Request | Response | The change | Why (and what it does to the Python API) | oasdiff / smithy-diff |", "| --- | --- | --- | --- | --- | --- |"]
    for rule in all_rules():
        references = " / ".join(ref for ref in (rule.oasdiff, rule.smithy) if ref) or "-"
        lines.append(f"| `{rule.kind}` | {rule.request} | {rule.response} | {_cell(rule.summary)} | {_cell(rule.reason)} | {_cell(references)} |")
    return "\n".join(lines) + "\n"
