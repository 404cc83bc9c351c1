"""A content-addressed cache of the two slow, pure steps: black's output for a source text,
and datamodel-code-generator's models for a model document.

Each entry is keyed by the SHA-256 of everything its output depends on (the input, the tool
versions, the settings; for the models also the generator's own code and templates), so an
entry is never stale: a different input is a different key. What is cached is the tool's own
output, byte for byte, after the SHA-256 of it (an entry damaged on disk is computed
again). It lives in `$XDG_CACHE_HOME/aws-binding-generator` (by default
`~/.cache/...`), or in the folder `AWS_BINDING_GENERATOR_CACHE` names; that variable set to
`off` turns it off. A cache that cannot be read or written is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

VARIABLE = "AWS_BINDING_GENERATOR_CACHE"


def folder() -> Path | None:
    chosen = os.environ.get(VARIABLE, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "aws-binding-generator"


def holds_any(kind: str) -> bool:
    """Whether the cache holds an entry of `kind` (False with the cache off)."""
    root = folder()
    try:
        return root is not None and any(True for _ in os.scandir(root / kind))
    except OSError:
        return False


def cached(kind: str, key: list[str], compute: Callable[[], str]) -> str:
    """`compute()`, or what it returned before for the same `kind` and `key`."""
    found = lookup(kind, key)
    if found is not None:
        return found
    text = compute()  # a missing, damaged or unreadable entry is computed again
    store(kind, key, text)
    return text


def lookup(kind: str, key: list[str]) -> str | None:
    """What was stored for `kind` and `key`, or None (also with the cache off)."""
    entry = _entry(kind, key)
    if entry is None:
        return None
    try:
        stored = entry.read_bytes()
        check, _, data = stored.partition(b"\n")
        if check.decode("ascii") == hashlib.sha256(data).hexdigest():
            return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    return None


def store(kind: str, key: list[str], text: str) -> None:
    entry = _entry(kind, key)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        data = text.encode("utf-8")
        with os.fdopen(handle, "wb") as stream:
            stream.write(hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data)
        os.replace(temporary, entry)  # whole or not at all, for a reader at the same time
    except OSError:
        pass


def _entry(kind: str, key: list[str]) -> Path | None:
    root = folder()
    if root is None:
        return None
    digest = hashlib.sha256("\0".join([kind, *key]).encode("utf-8", "surrogatepass")).hexdigest()
    return root / kind / digest[:2] / digest
