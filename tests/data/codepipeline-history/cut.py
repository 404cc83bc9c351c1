"""How the models here were made: `python cut.py SERVICE-2.json OPERATION > OUT.json` keeps a
botocore model's metadata, its service documentation, one operation and every shape that
operation reaches (its closure), each as botocore wrote it."""

from __future__ import annotations

import json
import sys
from typing import Any


def closure(model: dict[str, Any], operation: str) -> dict[str, Any]:
    op = model["operations"][operation]
    pending = [ref["shape"] for ref in [op.get("input"), op.get("output"), *op.get("errors", [])] if ref]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = model["shapes"][name]
        pending += [member["shape"] for member in shape.get("members", {}).values()]
        pending += [shape[key]["shape"] for key in ("member", "key", "value") if key in shape]
    cut = {key: model[key] for key in ("version", "metadata") if key in model}
    cut["operations"] = {operation: op}
    cut["shapes"] = {name: model["shapes"][name] for name in sorted(seen)}
    if "documentation" in model:
        cut["documentation"] = model["documentation"]
    return cut


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(json.dumps(closure(json.load(handle), sys.argv[2]), indent=2, ensure_ascii=False))
