"""What a run of the generator found and did (kept apart from the pipeline, so that a run
that finds everything current reports without importing it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Outcome:
    """What a run found and did."""

    out_dir: Path
    packages: dict[str, int]  # every package the specs make -> its number of files
    written: tuple[str, ...]  # packages whose files changed (with `check`: would change)
    removed: tuple[str, ...]  # the generator's packages whose spec is gone
    diff: str = ""  # with `check`: the unified diff
    unrecorded: tuple[Path, ...] = ()  # with `check`: files that would stop a write

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)
