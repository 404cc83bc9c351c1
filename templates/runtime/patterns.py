"""Pattern matching the validators and models share where Python's `re` is not enough.

The generator translates AWS's (Java) patterns; those that `re` could backtrack on are matched
by pydantic-core's linear-time engine, and those pydantic-core cannot run are checked in the
models with `re`, as the validators check them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from pydantic_core import SchemaValidator, core_schema

_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class LinearPattern:
    """A pattern Python's `re` could backtrack on, matched by pydantic-core's engine in linear
    time. A lone surrogate is read as U+FFFD (the generator checks the pattern allows it).
    Several patterns are a conjunction (a pattern's leading lookaheads and the rest): the text
    matches when every one does.
    """

    def __init__(self, *anchored: str) -> None:
        self._all = tuple(
            SchemaValidator(core_schema.str_schema(pattern=one)).isinstance_python
            for one in anchored
        )

    def fullmatch(self, text: str) -> bool | None:
        readable = text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)
        for matches in self._all:
            if not matches(readable):
                return None
        return True

    def matched(self, value: str) -> str:
        """For the models (an AfterValidator), where a pattern is several: `value`, if it matches."""
        if self.fullmatch(value) is None:
            raise ValueError("String should match the pattern")
        return value


def matching(python_pattern: str) -> Callable[[str], str]:
    """For the models: a pattern pydantic-core's engine does not run, checked as validators do."""
    compiled = re.compile(python_pattern, re.ASCII)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise ValueError("String should match the pattern")
        return value

    return check
