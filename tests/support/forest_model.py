"""What the shape-kinds tests share about tests/kinds/shapes.yaml (the invented Forest service):
the spec, its package, and its metadata as a botocore model (service-2.json) would carry it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SPEC = Path("tests/kinds/shapes.yaml")
PACKAGE = "forest_api"
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret", "region_name": "us-east-1"}
BOTOCORE_METADATA: dict[str, Any] = {
    "apiVersion": "2024-01-01",
    "endpointPrefix": "forest",
    "jsonVersion": "1.0",
    "protocol": "json",
    "protocols": ["json"],
    "serviceFullName": "Forest",
    "serviceId": "Forest",
    "signatureVersion": "v4",
    "signingName": "forest",
    "targetPrefix": "Forest_20240101",
    "uid": "forest-2024-01-01",
}
