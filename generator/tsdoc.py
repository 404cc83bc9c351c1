"""TSDoc text for the TypeScript export: spec text can never close a comment or read as markup."""

from __future__ import annotations

import re

# The helper types the export declares (typescript.py writes them).
ERROR_TYPE = "AwsErrorType"
TYPE_HINTS = "WithTypeHints"
SENSITIVE_NOTE = "Sensitive: never log or echo this value."

_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085]")
# TSDoc reads these as markup (tags, inline tags, HTML); a backslash makes them plain text.
_TSDOC_SPECIAL = set("\\@{}<>`")


def code(text: str) -> str:
    """A code span when the text can sit in one verbatim, else escaped prose."""
    if "`" in text or "*/" in text or _LINE_BREAKS.search(text) or "\n" in text or not text.isprintable():
        return escape(text)
    return f"`{text}`"


def doc_block(text: str, indent: str, notes: list[str] | None = None, tags: list[str] | None = None) -> list[str]:
    paragraphs = [escape(text)] if text.strip() else []
    paragraphs += [escape_note(n) for n in notes or []]
    body = "\n\n".join(p for p in paragraphs if p)
    lines = body.split("\n") if body else []
    if tags:
        lines += ([""] if lines else []) + tags
    if not lines:
        return []
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


def deprecated_tag(text: str | None) -> list[str]:
    """TSDoc's `@deprecated` tag, with what the model says."""
    return [f"@deprecated {escape(text)}"] if text else []


def escape_note(note: str) -> str:
    """Notes are generator text with code spans already made safe; only close-comment matters."""
    return note.replace("*/", "*\\/")


def escape(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text.strip())
    out = []
    for char in text:
        if char in _TSDOC_SPECIAL:
            out.append("\\" + char)
        elif char == "\n" or char.isprintable():
            out.append(char)
        else:
            out.append(f"\\u{{{ord(char):x}}}")
    return "".join(out).replace("*/", "*\\/")


def one_line(text: str) -> str:
    return " ".join(escape(text).split())
