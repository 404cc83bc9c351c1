"""The README's fenced code blocks, each with its language, its line and the heading above it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..conftest import ROOT

README = ROOT / "README.md"
_FENCE = re.compile(r"^```(\S*)\s*$")


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    section: str  # the nearest heading above it, e.g. "### Server"

    @property
    def first_text_line(self) -> int:
        return self.line + 1


def readme_blocks() -> list[Block]:
    blocks: list[Block] = []
    section = ""
    opened: tuple[int, str] | None = None
    body: list[str] = []
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), start=1):
        fence = _FENCE.match(line)
        if opened is None:
            if fence:
                opened, body = (number, fence.group(1)), []
            elif line.startswith("#"):
                section = line.strip()
        elif line.strip() == "```":
            blocks.append(Block(opened[0], opened[1], "".join(f"{text}\n" for text in body), section))
            opened = None
        else:
            body.append(line)
    assert opened is None, f"README.md:{opened[0]}: a code block is never closed"
    return blocks
