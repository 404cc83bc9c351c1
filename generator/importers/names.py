"""Shape names the spec format allows, made from the names AWS models use.

A legal name (PascalCase ASCII letters and digits, at most 100 characters, not a Python
builtin or keyword nor a name the generated code imports) is kept. Any other (`__string`,
`datumList`, `SyntheticTimestamp_date_time`, `com.example#Widget`, `Exception`) becomes its
PascalCase form (`String`, `DatumList`, `SyntheticTimestampDateTime`, `ComExampleWidget`,
`ExceptionShape`); when that is taken, the first free of `<form>2`, `<form>3`, ... in the
sorted order of the original names. Only shape names change: member names and error codes
are wire names and stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import naming

MAX_NAME = 100
_LEGAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_PARTS = re.compile(r"[A-Za-z0-9]+")
_SUFFIX = "Shape"


def is_legal(name: str) -> bool:
    return bool(_LEGAL.match(name)) and len(name) <= MAX_NAME and naming.class_name_problem(name) is None


def pascal(text: str) -> str:
    """`CloudWatch Logs` -> `CloudWatchLogs`, `__string` -> `String`: ASCII letters and digits,
    each word's first letter upper-case."""
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    joined = "".join(part[0].upper() + part[1:] for part in _PARTS.findall(ascii_text))
    return joined if joined and joined[0].isalpha() else _SUFFIX + joined


def _pascal(name: str) -> str:
    text = pascal(name)
    if naming.class_name_problem(text[:MAX_NAME]) is not None:
        text += _SUFFIX
    return text[:MAX_NAME]


def legal_names(names: Iterable[str], bases: dict[str, str] | None = None) -> dict[str, str]:
    """Every name -> its legal spec name; distinct names stay distinct. `bases` gives the
    form to start from for names that have a better one than their PascalCase."""
    unique = sorted(set(names))
    mapping = {name: name for name in unique if is_legal(name)}
    taken = set(mapping)
    for name in unique:
        if name in mapping:
            continue
        base = (bases or {}).get(name) or _pascal(name)
        candidate, number = base, 2
        while candidate in taken or not is_legal(candidate):
            tail = str(number)
            candidate, number = base[: MAX_NAME - len(tail)] + tail, number + 1
        mapping[name] = candidate
        taken.add(candidate)
    return mapping
