"""AWS (Java) regexes rewritten so Python, ECMAScript and Rust give the same verdict.

AWS matches a pattern against the whole value with ASCII character classes. The portable
body spells every shorthand class out in ASCII, so no engine's Unicode rules leak in; each
dialect then only adds its own whole-value anchoring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_DOT = "[^\n\r\u0085\u2028\u2029]"  # Java's `.`: anything but a line terminator
_CLASS_BODIES = {"d": "0-9", "w": "A-Za-z0-9_", "s": " \t\n\x0b\f\r"}
_SYNTAX = set("^$\\.*+?()[]{}|/")
_CONTROL_ESCAPES = set("tnrfv")
_HEX = set("0123456789abcdefABCDEF")
# A repeat that may run more rounds than this is checked for ambiguous splits; fewer rounds
# cost at most a small power of the length.
_MAX_CHEAP_ROUNDS = 3
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
    _reject_possessive(compiled.pattern)
    _reject_nested_quantifiers(compiled.pattern)
    return Pattern(source, body)


def _reject_possessive(body: str) -> None:
    """Python 3.11 reads `a*+` as a possessive repeat; ECMAScript and Rust refuse it."""
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def walk(items: Any) -> None:
        for op, arg in items:
            name = str(op)
            if name in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP"):
                raise PatternError("possessive quantifiers (*+, ++, ?+, {n}+) are not portable")
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                walk(arg[2])
            elif name == "SUBPATTERN":
                walk(arg[-1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    walk(branch)

    walk(sre_parse.parse(body))


def _rewrite(source: str) -> str:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if i + 1 >= len(source):
                raise PatternError("regular expression ends with a lone backslash")
            if source[i + 1] in "xu":
                code, i = _code_point(source, i)
                out.append(_literal(chr(code), in_class))
                continue
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


def _code_point(source: str, i: int) -> tuple[int, int]:
    """The character a `\\xHH` or `\\uHHHH` escape at source[i] names (a UTF-16 surrogate
    pair of `\\u` escapes is one character, as in Java), and where the escape ends."""
    if source.startswith("\\x{", i):
        close = source.find("}", i)
        digits = source[i + 3 : close] if close > 0 else ""
        if not 1 <= len(digits) <= 6 or not all(c in _HEX for c in digits) or int(digits, 16) > 0x10FFFF:
            raise PatternError("escape \\x{...} needs 1 to 6 hex digits naming a character")
        code, end = int(digits, 16), close + 1
    else:
        width = 2 if source[i + 1] == "x" else 4
        digits = source[i + 2 : i + 2 + width]
        if len(digits) != width or not all(c in _HEX for c in digits):
            raise PatternError(f"escape \\{source[i + 1]} needs {width} hex digits")
        code, end = int(digits, 16), i + 2 + width
    if 0xD800 <= code < 0xDC00 and source.startswith("\\u", end):
        low = source[end + 2 : end + 6]
        if len(low) == 4 and all(c in _HEX for c in low) and 0xDC00 <= int(low, 16) < 0xE000:
            return 0x10000 + ((code - 0xD800) << 10) + (int(low, 16) - 0xDC00), end + 6
    if 0xD800 <= code < 0xE000:
        raise PatternError(f"escape \\u{digits} is half of a UTF-16 surrogate pair")
    return code, end


def _literal(char: str, in_class: bool) -> str:
    """`char` matched as itself in every engine. Only syntax characters get a backslash:
    ECMAScript's `u` mode refuses any other identity escape (like `\\~`)."""
    return "\\" + char if char in _SYNTAX or (in_class and char in "-^") else char


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
    """Reject a repeat whose rounds can split the same text in more than one way.

    That is what makes a backtracking engine (Python's `re`, ECMAScript's) take exponential
    time: `(a+)+`, `([a-z]*)*x`, `(\\d|[0-9a-f])+`, `(.*\\s?)*`. Inside a repeated group, a
    part that can stretch over a run of characters must not be able to be followed (in the
    same round or the next) by one of those characters, and alternatives must not start
    alike. A separator the stretching part cannot match, like the `-` in AWS's
    `(-[\\w]+)*` or the `.` in `([a-z0-9-]+\\.)+`, keeps each split unique.
    """
    _Ambiguity(_pin_alternatives(body)).check()


def _pin_alternatives(body: str) -> str:
    """`body` with each `|` written `|(?=)`: the same language, but Python's parser then keeps
    `a|b` as a branch instead of merging it into the class `[ab]` (or factoring out a common
    start), which other engines do not."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            out.append(body[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if body.startswith("^", i + 1):
                out.append("[^")
                i += 2
                continue
        elif char == "|":
            char = "|(?=)"
        out.append(char)
        i += 1
    return "".join(out)


class _Ambiguity:
    """Character-set reasoning over Python's parse tree, on a sample of code points."""

    def __init__(self, body: str) -> None:
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        self.maxrepeat = sre_parse.MAXREPEAT
        self.tree = sre_parse.parse(body)
        sample = set(range(128)) | {0x85, 0xA0, 0xFF, 0x100, 0x2028, 0x2029, 0xFFFD, 0x10000}
        self.universe = frozenset(sample | self._mentioned(self.tree))

    def check(self) -> None:
        self._walk(self.tree)

    def _walk(self, items: Any) -> None:
        for op, arg in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                _, high, sub = arg
                if high is self.maxrepeat or high > _MAX_CHEAP_ROUNDS:
                    self._check_loop(list(sub))
                self._walk(sub)
            elif name == "SUBPATTERN":
                self._walk(arg[-1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    self._walk(branch)

    def _check_loop(self, body: list[Any]) -> None:
        again, _ = self._first(body)
        for index, item in enumerate(body):
            stretch = self._tail(item)
            follow, nullable = self._first(body[index + 1 :])
            if nullable:
                follow = follow | again
            if stretch & follow:
                raise PatternError("nested quantifiers (like (a+)+) can backtrack catastrophically")
        for item in body:
            if self._overlapping_branch(item):
                raise PatternError("alternatives that can start alike, repeated (like (a|a)+), can backtrack catastrophically")

    def _overlapping_branch(self, item: Any) -> bool:
        op, arg = item
        name = str(op)
        if name == "SUBPATTERN":
            return any(self._overlapping_branch(i) for i in arg[-1])
        if name != "BRANCH":
            return False
        seen: frozenset[int] = frozenset()
        for branch in arg[1]:
            chars, _ = self._first(list(branch))
            if chars & seen:
                return True
            seen = seen | chars
        return False

    def _first(self, items: list[Any]) -> tuple[frozenset[int], bool]:
        """Characters that can start a match of `items`, and whether it can match nothing."""
        found: frozenset[int] = frozenset()
        for item in items:
            chars, nullable = self._first_of(item)
            found = found | chars
            if not nullable:
                return found, False
        return found, True

    def _first_of(self, item: Any) -> tuple[frozenset[int], bool]:
        op, arg = item
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
            return self._chars(item), False
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            chars, nullable = self._first(list(arg[2]))
            return chars, nullable or arg[0] == 0
        if name == "SUBPATTERN":
            return self._first(list(arg[-1]))
        if name == "BRANCH":
            parts = [self._first(list(b)) for b in arg[1]]
            return frozenset().union(*(p[0] for p in parts)), any(p[1] for p in parts)
        if name in ("AT", "ASSERT"):
            return frozenset(), True
        return self.universe, True

    def _tail(self, item: Any) -> frozenset[int]:
        """Characters of a variable-length run that can end a match of `item`."""
        op, arg = item
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            inner = self._tail_of(list(sub))
            return inner | self._all(list(sub)) if low != high else inner
        if name == "SUBPATTERN":
            return self._tail_of(list(arg[-1]))
        if name == "BRANCH":
            return frozenset().union(*(self._tail_of(list(b)) for b in arg[1]))
        return frozenset()

    def _tail_of(self, items: list[Any]) -> frozenset[int]:
        found: frozenset[int] = frozenset()
        for item in reversed(items):
            found = found | self._tail(item)
            if not self._first_of(item)[1]:
                break
        return found

    def _all(self, items: list[Any]) -> frozenset[int]:
        """Every character some part of `items` can match."""
        found: frozenset[int] = frozenset()
        for op, arg in items:
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL", "IN", "ANY"):
                found = found | self._chars((op, arg))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                found = found | self._all(list(arg[2]))
            elif name == "SUBPATTERN":
                found = found | self._all(list(arg[-1]))
            elif name == "BRANCH":
                for branch in arg[1]:
                    found = found | self._all(list(branch))
        return found

    def _chars(self, item: Any) -> frozenset[int]:
        op, arg = item
        name = str(op)
        if name == "LITERAL":
            return frozenset({arg})
        if name == "NOT_LITERAL":
            return self.universe - {arg}
        if name == "ANY":
            return self.universe - {10}
        chosen: set[int] = set()
        negate = False
        for kind, value in arg:
            kind_name = str(kind)
            if kind_name == "NEGATE":
                negate = True
            elif kind_name == "LITERAL":
                chosen.add(value)
            elif kind_name == "RANGE":
                chosen.update(c for c in self.universe if value[0] <= c <= value[1])
            else:
                chosen.update(self.universe)
        return self.universe - chosen if negate else frozenset(chosen)

    def _mentioned(self, items: Any) -> set[int]:
        found: set[int] = set()
        for op, arg in items:
            name = str(op)
            if name in ("LITERAL", "NOT_LITERAL"):
                found.add(arg)
            elif name == "IN":
                for kind, value in arg:
                    if str(kind) == "LITERAL":
                        found.add(value)
                    elif str(kind) == "RANGE":
                        found.update(value)
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                found |= self._mentioned(arg[2])
            elif name == "SUBPATTERN":
                found |= self._mentioned(arg[-1])
            elif name == "BRANCH":
                for branch in arg[1]:
                    found |= self._mentioned(branch)
        return found
