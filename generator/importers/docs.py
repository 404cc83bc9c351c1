"""AWS's documentation HTML as one plain-text/Markdown form (markdownify, pinned).

The form: white space collapsed as HTML does (outside <pre>), paragraphs separated by a blank line, `code`, *emphasis*, **bold**, [links](url),
`- ` bullets (nested ones indented), fenced code blocks for <pre>, no trailing spaces, single
spaces inside a line. <script>, <style> and comments are dropped, entities decoded, and the
result is inert text: no control characters, no bidirectional overrides, no lone surrogates,
every line break a plain "\\n". The same HTML always gives the same text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from markdownify import MarkdownConverter

# The spec format's limit on one documentation text (specs/spec.schema.json, $defs.doc).
MAX_DOC_CHARS = 100_000
# AWS's longest documentation is under 40,000 characters of HTML.
MAX_DOC_HTML = 1_000_000
# AWS nests a handful of elements; markdownify recurses once per level.
MAX_HTML_DEPTH = 100

_LINE_BREAKS = re.compile("\r\n|[\r\u0085\u2028\u2029]")
# C0 and C1 controls but tab and newline, DEL, bidirectional embeddings, overrides and isolates,
# the byte-order mark, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_PRE = re.compile(r"(<pre\b.*?</pre\s*>)", re.IGNORECASE | re.DOTALL)
_HTML_SPACE = re.compile(r"\s+")
_FENCE = re.compile(r"(^```.*?^```$)", re.MULTILINE | re.DOTALL)
_INNER_SPACES = re.compile(r"(?<=\S)[ \t]{2,}")
# markdownify keeps the space before an inline element that starts a block (" imp").
_STRAY_INDENT = re.compile(r"^ (?=\S)")
_BLANK_RUNS = re.compile(r"\n{3,}")
# "see <a href=...>Title </a>." comes out as "[Title](...) ."; the space is the HTML's, not a word break.
_SPACE_AFTER_LINK = re.compile(r"(\]\([^()\s]*\)) (?=[.,;:!?](?:\s|$))")


class DocumentationError(ValueError):
    """Documentation that cannot be turned into text (the message says why)."""


class _Converter(MarkdownConverter):
    def convert_fullname(self, el: Any, text: str, parent_tags: Any) -> str:
        # botocore repeats the service's full name as <fullname> at the top of its documentation.
        return ""


_OPTIONS: dict[str, Any] = {
    "heading_style": "ATX",
    "bullets": "-",
    "escape_asterisks": False,
    "escape_underscores": False,
    "escape_misc": False,
    "code_language": "",
}


class _DepthProbe(HTMLParser):
    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self._VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(0, self.depth - 1)


def to_text(html: object) -> str:
    """The text form of one documentation string. Raises DocumentationError."""
    if not isinstance(html, str):
        raise DocumentationError(f"documentation must be a string, not {type(html).__name__}")
    return _convert(html)


@lru_cache(maxsize=65536)
def _convert(html: str) -> str:
    if len(html) > MAX_DOC_HTML:
        raise DocumentationError(f"documentation of {len(html)} characters is longer than the limit of {MAX_DOC_HTML}")
    html = _UNSAFE.sub("", _LINE_BREAKS.sub("\n", html))
    # As in HTML, a run of white space outside <pre> is one space: botocore's one-line texts
    # and Smithy's wrapped ones give the same result.
    parts = _PRE.split(html)
    html = "".join(part if index % 2 else _HTML_SPACE.sub(" ", part) for index, part in enumerate(parts))
    if "<" in html:
        probe = _DepthProbe()
        probe.feed(html)
        probe.close()
        if probe.deepest > MAX_HTML_DEPTH:
            raise DocumentationError(f"documentation nests HTML elements {probe.deepest} deep (the limit is {MAX_HTML_DEPTH})")
        try:
            text = _Converter(**_OPTIONS).convert(html)
        except RecursionError:
            raise DocumentationError("documentation nests HTML too deeply to convert") from None
    else:
        text = html
    text = _tidy(_UNSAFE.sub("", _LINE_BREAKS.sub("\n", text)).replace("\t", " "))
    if len(text) > MAX_DOC_CHARS:
        raise DocumentationError(f"documentation is {len(text)} characters as text, longer than the spec format's limit of {MAX_DOC_CHARS}")
    return text


def _tidy(text: str) -> str:
    parts = _FENCE.split(text)
    for index in range(0, len(parts), 2):  # outside fenced code blocks
        lines = (_SPACE_AFTER_LINK.sub(r"\1", _STRAY_INDENT.sub("", _INNER_SPACES.sub(" ", line.rstrip()))) for line in parts[index].split("\n"))
        parts[index] = "\n".join(lines)
    return _BLANK_RUNS.sub("\n\n", "".join(parts)).strip()
