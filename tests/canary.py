"""Canary secrets: distinctive values that tests put where real secrets go.

None of them may ever show up in a log line, repr, exception text, validation message or
error answer. `canary_plugin` (loaded by conftest) scans every log record and every test
report of the whole run for them; the tests that use them scan what they capture too. The
one legitimate place for the artifact credentials is a successful PollForJobs answer body.
"""

from __future__ import annotations

from typing import Final

# Artifact credentials handed to job workers (the whole AWSSessionCredentials is sensitive).
ARTIFACT_ACCESS_KEY_ID: Final = "ASIACANARY7F3A9C2E1D"
ARTIFACT_SECRET_KEY: Final = "CANARY-SECRET-7f3a9c2e-artifact/secretAccessKey+K7MDENG"
ARTIFACT_SESSION_TOKEN: Final = "CANARY-SECRET-7f3a9c2e-artifact-sessionToken//FwoGZXIvYXdz=="
# SigV4 credentials: a server's configured secret, and a client's secret and session token.
SIGV4_ACCESS_KEY_ID: Final = "AKIDCANARY7F3A9C2E1D"
SIGV4_SECRET_KEY: Final = "CANARY-SECRET-7f3a9c2e-sigv4/secretAccessKey+bPxRfiCY"
SIGV4_SESSION_TOKEN: Final = "CANARY-SECRET-7f3a9c2e-sigv4-sessionToken//IQoJb3JpZ2lu=="

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
# A piece every secret above shares (but the artifact key id), to catch partial echoes too.
MARKER: Final = "CANARY-SECRET-7f3a9c2e"


def found_in(text: str) -> list[str]:
    """The canaries `text` shows (whole, or their shared marker), by name."""
    names = {
        ARTIFACT_ACCESS_KEY_ID: "artifact accessKeyId",
        ARTIFACT_SECRET_KEY: "artifact secretAccessKey",
        ARTIFACT_SESSION_TOKEN: "artifact sessionToken",
        SIGV4_SECRET_KEY: "SigV4 secret key",
        SIGV4_SESSION_TOKEN: "SigV4 session token",
    }
    shown = [name for secret, name in names.items() if secret in text]
    if not shown and MARKER in text:
        shown.append("a canary fragment")
    return shown
