"""AWS (Java) regexes rewritten so Python, ECMAScript and Rust give the same verdict.

AWS matches a pattern against the whole value with ASCII character classes. The portable
body spells every shorthand class out in ASCII, so no engine's Unicode rules leak in; each
dialect then only adds its own whole-value anchoring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOT = "[^\n\r\u0085\u2028\u2029]"  # Java's `.`: anything but a line terminator
_CLASS_BODIES = {"d": "0-9", "w": "A-Za-z0-9_", "s": " \t\n\x0b\f\r"}
_SYNTAX = set("^$\\.*+?()[]{}|/")
_CONTROL_ESCAPES = set("tnrfv")
_QUANTIFIER = re.compile(r"\{[0-9]+(,[0-9]*)?\}")


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class Pattern:
    source: str  # as written in the spec (and quoted in AWS's messages)
    body: str  # portable, ASCII-explicit

    @property
    def python(self) -> str:
        """For `re.compile(..., re.ASCII).fullmatch`."""
        return self.body

    @property
    def json_schema(self) -> str:
        """ECMAScript and Python `re.search` both read this as whole-value."""
        return f"^(?:{self.body})(?![\\s\\S])"

    @property
    def rust(self) -> str:
        """pydantic-core's engine: `$` is the end of the text."""
        return f"^(?:{self.body})$"


def translate(source: str) -> Pattern:
    body = _rewrite(source)
    try:
        compiled = re.compile(body, re.ASCII)
    except re.error as exc:
        raise PatternError(f"regular expression does not compile: {exc}") from None
    _reject_nested_quantifiers(compiled.pattern)
    return Pattern(source, body)


def _rewrite(source: str) -> str:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if i + 1 >= len(source):
                raise PatternError("regular expression ends with a lone backslash")
            out.append(_escape(source[i + 1], in_class))
            i += 2
            continue
        if in_class:
            if char == "]":
                if _class_is_empty(out):
                    raise PatternError("a character class cannot be empty; escape a leading ']' as '\\]'")
                in_class = False
            elif char == "[":
                raise PatternError("nested character classes ([a[b]]) are not portable; escape the '['")
            elif char == "&" and source.startswith("&&", i):
                raise PatternError("character class intersection (&&) is not portable")
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if source.startswith("^", i + 1):
                out.append("^")
                i += 1
        elif char == ".":
            out.append(_DOT)
        elif char == "(" and source.startswith("(?", i) and not source.startswith("(?:", i):
            raise PatternError("only non-capturing groups '(?:' are portable; lookarounds, flags and named groups are not")
        elif char == "{":
            match = _QUANTIFIER.match(source, i)
            if match and out:
                out.append(match.group())
                i = match.end()
                continue
            out.append("\\{")
        elif char in "}]":
            out.append("\\" + char)
        else:
            out.append(char)
        i += 1
    if in_class:
        raise PatternError("unterminated character class")
    return "".join(out)


def _class_is_empty(out: list[str]) -> bool:
    return out[-1] in ("[", "^") and (out[-1] == "[" or out[-2] == "[")


def _escape(char: str, in_class: bool) -> str:
    if char in _CLASS_BODIES:
        return _CLASS_BODIES[char] if in_class else f"[{_CLASS_BODIES[char]}]"
    if char in "DWS":
        if in_class:
            raise PatternError(f"negated class \\{char} inside [...] is not portable")
        return f"[^{_CLASS_BODIES[char.lower()]}]"
    if char in _CONTROL_ESCAPES:
        return "\\" + char
    if char in _SYNTAX or (in_class and char == "-"):
        return "\\" + char
    if char.isalnum():
        raise PatternError(f"escape \\{char} is not supported (not portable across regex engines)")
    return char if char != " " else " "


def _reject_nested_quantifiers(body: str) -> None:
    """Flag an unbounded repeat whose body opens with another unbounded repeat, like (a+)+.

    A repeat whose body starts with a fixed separator, like AWS's (-[\\w]+)*, is left alone:
    each round must consume that separator, so the split is unambiguous.
    """
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def is_unbounded_repeat(item: tuple[object, object]) -> bool:
        op, arg = item
        if str(op) in ("MAX_REPEAT", "MIN_REPEAT"):
            return arg[1] is sre_parse.MAXREPEAT or arg[1] > 1  # type: ignore[index,operator]
        if str(op) == "SUBPATTERN":
            sub = arg[-1]  # type: ignore[index]
            return len(sub) > 0 and is_unbounded_repeat(sub[0])
        return False

    def walk(items: object) -> None:
        for op, arg in items:  # type: ignore[attr-defined]
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                sub = arg[2]
                if is_unbounded_repeat((op, arg)) and len(sub) > 0 and is_unbounded_repeat(sub[0]):
                    raise PatternError("nested quantifiers (like (a+)+) can backtrack catastrophically")
                walk(sub)
            elif name == "SUBPATTERN":
                walk(arg[-1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    walk(branch)

    walk(sre_parse.parse(body))
