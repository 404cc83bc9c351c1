"""Canary secrets: distinctive values that tests put where real secrets go.

None of them may ever show up in a log line, repr, exception text, validation message or
error answer. `canary_plugin` (loaded by conftest) scans every log record and every test
report of the whole run for them; the tests that use them scan what they capture too. The
one legitimate place for the artifact credentials is a successful PollForJobs answer body.
"""

from __future__ import annotations

from typing import Final

# They look like real keys, which is what a leak would show: secret access keys are 40
# characters of the base64 alphabet (SIGV4_SECRET_KEY has no '/' or '+', as about half of
# real keys have no '/'), session tokens a few hundred. Each begins with MARKER.
# Artifact credentials handed to job workers (the whole AWSSessionCredentials is sensitive).
ARTIFACT_ACCESS_KEY_ID: Final = "ASIAQX7CANARYKEY9T4M"
ARTIFACT_SECRET_KEY: Final = "Canary7f3a9c2eH/r+up8cUb1ErTHEZnVwX5lfiA"
ARTIFACT_SESSION_TOKEN: Final = (
    "Canary7f3a9c2efDNJGhjaIFw40YUcYqvc4eDqFj1ZKnb8EXW/+srXpBKG7m85VKqF6b9Rw9NSp6lpBOpnbxR5KvW3+/q+"
    "UXX84FI0Ta01Mjk4JyoQdEjS8ZZAZ4F8VV2xjCnzvz/d8hO3mvRFbzupZJn48DPn5UcxeX1auGRyvr2GhlShhmeZV/R2gM"
    "wNRxovC14Hqrjz16=="
)
# SigV4 credentials: a server's configured secret, and a client's secret and session token.
SIGV4_ACCESS_KEY_ID: Final = "AKIDCANARY7F3A9C2E1D"
SIGV4_SECRET_KEY: Final = "Canary7f3a9c2eKJPC1XONgTz3vNL1g4sOXVipOy"
SIGV4_SESSION_TOKEN: Final = (
    "Canary7f3a9c2eA8eXXJg5tfiL8vA7orfo1hXLnqe3yeuDeWQmeZxldbwrg/WQrsAVZSEzia18ZDLLtxzVMoiE7CfpzNN3"
    "HLr4+wBcdqt61C4QttZQ+dKKfR9BEo8Ijf+L/LPSX6if6ElAcpkGXv+XjCnGvpYta8JntZfwxusEfLxNA4gcHw52ECUMe"
    "EYDJjGhohBpwYEuf1BWKWiO/r8Fg9ZFIBv4YSmtIAD1TjFBPQBouywU+S7PWD/hZsGLZBl3CUCYmF="
)

ARTIFACT_CREDENTIALS: Final = {
    "accessKeyId": ARTIFACT_ACCESS_KEY_ID,
    "secretAccessKey": ARTIFACT_SECRET_KEY,
    "sessionToken": ARTIFACT_SESSION_TOKEN,
}
# Every value that must never be shown. (The SigV4 access key id is not secret: it travels in
# the Authorization header and AWS names it in error messages and logs.)
SECRETS: Final = (
    ARTIFACT_ACCESS_KEY_ID,
    ARTIFACT_SECRET_KEY,
    ARTIFACT_SESSION_TOKEN,
    SIGV4_SECRET_KEY,
    SIGV4_SESSION_TOKEN,
)
# A piece every secret above shares (but the artifact key id).
MARKER: Final = "Canary7f3a9c2e"
# Secrets shaped like secret access keys, for the places a key could be put by mistake.
KEY_LIKE: Final = (SIGV4_SECRET_KEY, ARTIFACT_SECRET_KEY)
# Any 12 characters in a row of a secret count as showing it: pydantic, for one, shortens long
# values to their first and last characters.
WINDOW: Final = 12

_NAMES: Final = {
    ARTIFACT_ACCESS_KEY_ID: "artifact accessKeyId",
    ARTIFACT_SECRET_KEY: "artifact secretAccessKey",
    ARTIFACT_SESSION_TOKEN: "artifact sessionToken",
    SIGV4_SECRET_KEY: "SigV4 secret key",
    SIGV4_SESSION_TOKEN: "SigV4 session token",
}


def _windows(secret: str) -> set[str]:
    return {secret[start : start + WINDOW] for start in range(len(secret) - WINDOW + 1)}


_SHARED: Final = {piece for a in _NAMES for b in _NAMES if a != b for piece in _windows(a) & _windows(b)}
_PIECES: Final = {piece: name for secret, name in _NAMES.items() for piece in _windows(secret) - _SHARED}
# Pieces of the marker the secrets share, and of their joins: "a canary fragment".
_MARKER_PIECES: Final = tuple(sorted(_SHARED | _windows(MARKER)))


def found_in(text: str) -> list[str]:
    """The canaries `text` shows, whole or in part (12 characters in a row), by name; a piece
    of the marker they share counts as "a canary fragment"."""
    shown = sorted({name for piece, name in _PIECES.items() if piece in text})
    if not shown and any(piece in text for piece in _MARKER_PIECES):
        shown.append("a canary fragment")
    return shown
