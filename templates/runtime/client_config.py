"""The client's settings checked as botocore checks them, and what depends on them per call:
host prefixes (the endpoint trait) and request compression; the region and credentials that
botocore's chain finds when the arguments give none (`BotocoreSettings`)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from .bodies import MAX_MIN_COMPRESSION_BYTES
from .client_errors import ConfigurationError, NoCredentialsError
from .endpoint import StaticCredentials, is_region

# botocore's HOST_PREFIX_RE: what a host label's value may hold.
_HOST_LABEL_VALUE: Final = re.compile(r"[A-Za-z0-9.\-]+")
_LABEL: Final = re.compile(r"\{([^{}]+)\}")
_TRUE: Final = ("true", "1")
P = TypeVar("P")


def positive(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigurationError(f"{name} must be a positive number of seconds, not {value!r}")
    return float(value)


def whole(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {value!r}")
    return value


def timeout_or_none(name: str, value: object) -> float | None:
    return None if value is None else positive(name, value)


def chosen_protocol(default: P, protocols: Mapping[str, P], name: str | None) -> P:
    """`protocol=`: one of the spec's protocols by name, else the default."""
    if name is None:
        return default
    found = protocols.get(name) if isinstance(name, str) else None
    if found is None:
        choices = ", ".join(sorted(protocols)) or "none but the default"
        raise ConfigurationError(f"protocol must be one of the spec's: {choices}; not {name!r}")
    return found


def explicit_credentials(
    key: str | None, secret: str | None, token: str | None
) -> StaticCredentials | None:
    """The credentials passed to the client, or None for botocore's chain."""
    if key is None and secret is None:
        if token is not None:
            raise ConfigurationError(
                "aws_session_token needs aws_access_key_id and aws_secret_access_key too"
            )
        return None
    if not key or not secret:
        raise ConfigurationError(
            "pass both aws_access_key_id and aws_secret_access_key, or neither"
        )
    return StaticCredentials(key, secret, token or None)


def _env_flag(variable: str) -> bool | None:
    text = os.environ.get(variable)
    return None if text is None else text.strip().lower() in _TRUE


def host_prefix_injection(value: object) -> bool:
    """`inject_host_prefix=`, else not AWS_DISABLE_HOST_PREFIX_INJECTION, else True."""
    if value is None:
        disabled = _env_flag("AWS_DISABLE_HOST_PREFIX_INJECTION")
        return not disabled if disabled is not None else True
    if not isinstance(value, bool):
        raise ConfigurationError(f"inject_host_prefix must be True or False, not {value!r}")
    return value


def compression_disabled(value: object) -> bool:
    """`disable_request_compression=`, else AWS_DISABLE_REQUEST_COMPRESSION, else False."""
    if value is None:
        return bool(_env_flag("AWS_DISABLE_REQUEST_COMPRESSION"))
    if not isinstance(value, bool):
        raise ConfigurationError(
            f"disable_request_compression must be True or False, not {value!r}"
        )
    return value


def min_compression_size(value: object, default: int) -> int:
    """`request_min_compression_size_bytes=`, else AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES,
    else `default`; botocore's bounds, 0 to 10 MiB."""
    if value is None:
        text = os.environ.get("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES")
        if text is None:
            return default
        value = int(text) if text.strip().isdigit() else text
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_MIN_COMPRESSION_BYTES
    ):
        raise ConfigurationError(
            "request_min_compression_size_bytes must be a whole number from 0 to "
            f"{MAX_MIN_COMPRESSION_BYTES}, not {value!r}"
        )
    return value


def host_labels(template: str) -> tuple[str, ...]:
    """The input members a host prefix names, `{Label}`."""
    return tuple(_LABEL.findall(template))


def expand_host_prefix(template: str, payload: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The host prefix with each `{Label}` replaced by the payload's member, and the labels
    whose values are not valid in a host name (botocore refuses those before sending).
    """
    bad = []
    values = {}
    for label in host_labels(template):
        value = payload.get(label)
        if not isinstance(value, str) or not _HOST_LABEL_VALUE.fullmatch(value):
            bad.append(label)
        values[label] = value if isinstance(value, str) else ""
    return _LABEL.sub(lambda match: values[match.group(1)], template), bad


class BotocoreSettings:
    """The region and the credentials, from the arguments, else from botocore's chain (one
    botocore session, made at the first need: the credentials are looked up at the first call).
    Thread-safe."""

    def __init__(self, profile_name: str | None, credentials: StaticCredentials | None) -> None:
        self._profile_name = profile_name
        self._session: Any = None
        self._lock = threading.Lock()
        self._credentials: Any = credentials
        # Set when the credentials are the arguments: each call takes them as they are.
        self.static = credentials

    def _botocore_session(self) -> Any:
        with self._lock:
            if self._session is None:
                import botocore.session  # type: ignore[import-untyped]

                self._session = botocore.session.Session(profile=self._profile_name)
            return self._session

    def region(self, region_name: str | None) -> str:
        region = region_name or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            region = self._from_botocore(
                lambda session: session.get_config_variable("region"), ConfigurationError
            )
        if not region:
            raise ConfigurationError(
                "no AWS region: pass region_name=..., set AWS_REGION or AWS_DEFAULT_REGION, "
                "or set region in the profile of the shared config file (~/.aws/config)"
            )
        if not is_region(region):
            raise ConfigurationError(f"not a valid AWS region name: {region!r}")
        return str(region)

    def _from_botocore(self, lookup: Callable[[Any], Any], error: type[ConfigurationError]) -> Any:
        """Run a botocore lookup, turning its errors (unknown profile, bad files) into ours."""
        import botocore.exceptions  # type: ignore[import-untyped]

        try:
            return lookup(self._botocore_session())
        except botocore.exceptions.ProfileNotFound:
            raise error(
                f"the profile {self._profile_name or os.environ.get('AWS_PROFILE')!r} is in "
                "neither the shared credentials file nor the shared config file"
            ) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise error(f"{type(exc).__name__}: {exc}") from None

    def frozen_credentials(self) -> Any:
        credentials = self._credentials
        if isinstance(credentials, StaticCredentials):
            return credentials
        if credentials is None:
            found = self._from_botocore(
                lambda session: session.get_credentials(), NoCredentialsError
            )
            if found is None:
                raise NoCredentialsError(
                    "no AWS credentials found: pass aws_access_key_id and aws_secret_access_key, "
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile in "
                    "the shared credentials file (~/.aws/credentials)"
                )
            self._credentials = credentials = found
        # Temporary credentials refresh themselves here when they are about to expire.
        return self._from_botocore(
            lambda _: credentials.get_frozen_credentials(), NoCredentialsError
        )
