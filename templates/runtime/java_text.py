"""Values as AWS's (Java) services print them in a ValidationException: `null`, `true`, lists
as `[a, b]`, maps as `{k=v}`, and a float or double as Java's `Double.toString` writes it
(`9.0E-7`, `1.0`, `NaN`), cut at MAX_ECHOED_CHARS."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Final

MAX_ECHOED_CHARS: Final = 1024
_MAX_ECHOED_DEPTH: Final = 32


def show(value: Any) -> str:
    """The value as AWS's (Java) services print it, cut at MAX_ECHOED_CHARS."""
    parts: list[str] = []
    _java_text(value, parts, [MAX_ECHOED_CHARS], 0)
    text = "".join(parts)
    return text if len(text) <= MAX_ECHOED_CHARS else text[:MAX_ECHOED_CHARS] + "..."


def _java_text(value: Any, parts: list[str], budget: list[int], depth: int) -> None:
    if budget[0] <= 0:
        return
    if isinstance(value, str):
        text = value[: budget[0] + 1]
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = java_double(value)
    elif isinstance(value, (list, dict)):
        if depth > _MAX_ECHOED_DEPTH:
            parts.append("...")
            budget[0] = 0
            return
        is_list = isinstance(value, list)
        parts.append("[" if is_list else "{")
        items: Any = value if isinstance(value, list) else value.items()
        for index, item in enumerate(items):
            if budget[0] <= 0:
                return
            if index:
                parts.append(", ")
            if is_list:
                _java_text(item, parts, budget, depth + 1)
            else:
                parts.append(f"{str(item[0])[: budget[0] + 1]}=")
                _java_text(item[1], parts, budget, depth + 1)
        parts.append("]" if is_list else "}")
        return
    else:
        text = str(value)
    budget[0] -= len(text)
    parts.append(text)


def java_double(value: float) -> str:
    """`value` as Java's `Double.toString` writes it (JDK 19 and later): the fewest digits that
    read back as `value` (two rather than one when two are closer), written plainly with at
    least one digit after the point from 10^-3 to below 10^7, else as `d.ddE-n`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    text = repr(magnitude)
    two_digits = f"{magnitude:.1e}"
    if len(Decimal(text).normalize().as_tuple().digits) == 1 and float(two_digits) == magnitude:
        text = two_digits
    _, digit_tuple, exponent = Decimal(text).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)  # where the decimal point goes among the digits
    sign = "-" if value < 0 else ""
    if not -3 <= point - 1 < 7:
        return f"{sign}{digits[0]}.{digits[1:] or '0'}E{point - 1}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    return f"{sign}{digits[:point].ljust(point, '0')}.{digits[point:] or '0'}"


def double_value(value: float | str) -> float:
    """A JSON number (or NON_FINITE_TEXTS' text) as Java reads it into a double: an integer
    too large for one is an infinity, where float() raises OverflowError."""
    try:
        return float(value)
    except OverflowError:  # only an int overflows
        return math.inf if int(value) > 0 else -math.inf


def numbers_shown(value: Any) -> Any:
    """A list or map of float or double values as AWS shows it: each number a double, so a
    whole number reads `1.0` as Java holds it."""

    def one(item: Any) -> Any:
        return double_value(item) if type(item) is int else item

    if type(value) is dict:
        return {key: one(item) for key, item in value.items()}
    return [one(item) for item in value]
