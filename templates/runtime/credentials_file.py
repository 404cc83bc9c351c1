"""The server's credentials file: a JSON object mapping access key ids to secret keys."""

from __future__ import annotations

import json
from pathlib import Path


def load_credentials(path: str | Path) -> dict[str, str]:
    """A credentials file: a JSON object mapping access key ids to secret access keys."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        where = (
            f" (line {exc.lineno} column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise ValueError(f"{path} is not valid JSON{where}") from None
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and key and isinstance(secret, str) and secret
        for key, secret in data.items()
    ):
        raise ValueError(
            f"{path} must be a JSON object of access key ids to secret keys, "
            'like {"AKID": "secret"}'
        )
    return data
