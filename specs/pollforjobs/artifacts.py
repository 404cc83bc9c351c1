"""Where the local job service's artifacts live: `Artifacts`, with no S3 behind it (the
default), and `S3Artifacts`, the S3 side (`--s3`): moto's S3 server on loopback.

`S3Artifacts.start()` runs moto's server (`moto[server]`) in a thread on 127.0.0.1 and a free
port, and creates the artifact bucket. A hand-out's artifact credentials are temporary ones
from that server's STS (`AssumeRole`), so the S3 client a worker builds from them signs its
requests the way it would against AWS. moto accepts every well-formed signature: it does not
check which keys signed, nor when they expire.
(Source: specs/pollforjobs/artifacts.py; the generator copies it into the package.)
"""

from __future__ import annotations

import base64
import importlib
import logging
import secrets
import threading
from pathlib import Path
from typing import Any, Final

from .jobseed import SeedError

LOCAL_BUCKET: Final = "codepipeline-local-artifacts"
REGION: Final = "us-east-1"
ROLE_ARN: Final = "arn:aws:iam::123456789012:role/codepipeline-local-artifacts"
# The keys this service itself uses towards its own moto server (not a secret: moto checks none).
_SERVICE_KEYS: Final = {
    "aws_access_key_id": "local-artifact-service",
    "aws_secret_access_key": "local-artifact-service",
}
_MIN_SESSION_SECONDS: Final = 900
_MAX_SESSION_SECONDS: Final = 43200


class Artifacts:
    """Where artifacts live: the bucket outputs are given, and the credentials of a hand-out.
    This one has no S3 behind it; `pollforjobs.artifacts.S3Artifacts` has."""

    bucket = LOCAL_BUCKET

    def credentials(self, lifetime: float) -> dict[str, str]:
        # One read of the OS's random source for the three (8, 30 and 48 random bytes, as
        # secrets.token_hex(8) and token_urlsafe(30) and (48) would give them).
        raw = secrets.token_bytes(86)
        return {
            "accessKeyId": "ASIA" + raw[:8].hex().upper(),
            "secretAccessKey": base64.urlsafe_b64encode(raw[8:38]).decode("ascii"),
            "sessionToken": base64.urlsafe_b64encode(raw[38:]).decode("ascii"),
        }

    def upload(self, path: Path, key: str) -> None:
        raise SeedError(f"{path}: an artifact 'file' is uploaded to S3; start the server with --s3")


class S3Artifacts(Artifacts):
    """Artifacts in moto's S3, with credentials from moto's STS."""

    def __init__(self, endpoint_url: str, server: Any) -> None:
        # Imported here: only --s3 needs boto3 and moto, which the package does not depend on.
        boto3 = importlib.import_module("boto3")
        self.endpoint_url = endpoint_url
        self._server = server
        self._lock = threading.Lock()
        self._s3 = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=REGION, **_SERVICE_KEYS
        )
        self._sts = boto3.client(
            "sts", endpoint_url=endpoint_url, region_name=REGION, **_SERVICE_KEYS
        )
        self._s3.create_bucket(Bucket=self.bucket)

    def __repr__(self) -> str:
        return f"S3Artifacts(endpoint_url={self.endpoint_url!r}, bucket={self.bucket!r})"

    bucket = LOCAL_BUCKET

    @classmethod
    def start(cls, host: str = "127.0.0.1") -> S3Artifacts:
        try:
            moto_server = importlib.import_module("moto.server")
            importlib.import_module("boto3")
        except ImportError:
            raise ValueError(
                "--s3 needs boto3 and moto's server: pip install boto3 'moto[server]'"
            ) from None
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise
        server = moto_server.ThreadedMotoServer(ip_address=host, port=0, verbose=False)
        server.start()
        found_host, port = server.get_host_and_port()
        return cls(f"http://{found_host}:{port}", server)

    def credentials(self, lifetime: float) -> dict[str, str]:
        seconds = int(min(max(lifetime, _MIN_SESSION_SECONDS), _MAX_SESSION_SECONDS))
        with self._lock:  # one boto3 client, many threads
            answer = self._sts.assume_role(
                RoleArn=ROLE_ARN, RoleSessionName="job-worker", DurationSeconds=seconds
            )
        issued = answer["Credentials"]
        return {
            "accessKeyId": issued["AccessKeyId"],
            "secretAccessKey": issued["SecretAccessKey"],
            "sessionToken": issued["SessionToken"],
        }

    def upload(self, path: Path, key: str) -> None:
        with self._lock:
            self._s3.upload_file(str(path), self.bucket, key)

    def stop(self) -> None:
        self._server.stop()
