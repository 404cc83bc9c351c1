"""The deterministic YAML form of a spec.

Written here rather than by PyYAML's emitter: that one is slow on whole services (tens of
seconds for Glue) and its C and Python versions may lay text out differently, and a spec
must be byte-identical wherever it is made. The form is a small subset of YAML: block
mappings and lists (list items at their key's indentation), `{}` and `[]` when empty, text
plain when YAML reads it back as that same text, as a `|-` literal block when it has line
breaks, double-quoted with escapes otherwise. The result is read back and compared before it
is returned.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

HEADER = """\
# {title}
# Imported by `python -m generator import` from {model}.
# `python -m generator refresh --spec THIS_FILE` re-imports it and keeps the hand-written parts.
"""
# In block context a plain scalar may hold anything but ': ', ' #' and line breaks once it starts
# with a character that is not a YAML indicator.
_PLAIN = re.compile(r"[A-Za-z0-9_/(.$^\\][^\n]*")
# Characters YAML cannot hold as they are (outside its printable set), line breaks it reads
# as such (NEL, LS, PS) and the byte-order mark.
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump(spec: dict[str, Any]) -> str:
    lines: list[str] = []
    _mapping(spec, 0, lines)
    body = "\n".join(lines) + "\n"
    if yaml.load(body, Loader=_Loader) != spec:
        raise AssertionError("the spec's YAML does not read back as the spec")  # pragma: no cover - an emitter bug
    service = spec.get("service", {})
    title = f"{service.get('full_name') or service.get('name')} (API {service.get('api_version')}) as a spec"
    model = spec.get("source", {}).get("model", "an AWS model")
    return HEADER.format(title=_one_line(title), model=_one_line(model)) + body


def _one_line(text: str) -> str:
    return " ".join(_NEEDS_ESCAPE.sub("", str(text)).split())


def _mapping(data: dict[str, Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        head = f"{pad}{_scalar(str(key), indent)}:"
        _value(head, value, indent, lines, nested_indent=indent + 2, list_indent=indent)


def _value(head: str, value: Any, indent: int, lines: list[str], nested_indent: int, list_indent: int) -> None:
    if isinstance(value, dict) and value:
        lines.append(head)
        _mapping(value, nested_indent, lines)
    elif isinstance(value, list) and value:
        lines.append(head)
        _sequence(value, list_indent, lines)
    elif isinstance(value, str) and _literal_ok(value):
        lines.append(f"{head} |-")
        lines.extend(f"{' ' * nested_indent}{line}" if line else "" for line in value.split("\n"))
    else:
        lines.append(f"{head} {_scalar(value, nested_indent)}")


def _sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            first = True
            for key, value in item.items():
                head = f"{pad}{'- ' if first else '  '}{_scalar(str(key), indent + 2)}:"
                _value(head, value, indent + 2, lines, nested_indent=indent + 4, list_indent=indent + 2)
                first = False
        elif isinstance(item, list) and item:
            lines.append(f"{pad}-")
            _sequence(item, indent + 2, lines)
        elif isinstance(item, str) and _literal_ok(item):
            lines.append(f"{pad}- |-")
            lines.extend(f"{pad}  {line}" if line else "" for line in item.split("\n"))
        else:
            lines.append(f"{pad}- {_scalar(item, indent + 2)}")


def _literal_ok(text: str) -> bool:
    if "\n" not in text or _NEEDS_ESCAPE.search(text) or "\r" in text or "\t" in text:
        return False
    lines = text.split("\n")
    return bool(lines[0]) and not lines[0].startswith(" ") and lines[-1] != "" and all(line.strip() or not line for line in lines)


def _scalar(value: Any, indent: int) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    text = str(value)
    if _plain_ok(text):
        return text
    return _quoted(text)


def _float(value: float) -> str:
    """YAML 1.1's float form (PyYAML reads `1e-06` as text: the mantissa needs its dot)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text


def _plain_ok(text: str) -> bool:
    if not _PLAIN.fullmatch(text) or text != text.strip() or _NEEDS_ESCAPE.search(text):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    return bool(_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG)


def _quoted(text: str) -> str:
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif _NEEDS_ESCAPE.match(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)
