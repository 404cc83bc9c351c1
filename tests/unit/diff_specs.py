"""A small spec for the diff's tests, built so every rule can be tried on either side: each
shape of a family exists twice, `Req…` reached only from requests, `Resp…` only from
responses, and `mutate(spec, prefix)` edits one family."""

from __future__ import annotations

import copy
from typing import Any

from generator.diff.sides import compile_data
from generator.ir import Service


def family(prefix: str) -> dict[str, Any]:
    """The shapes of one side: a structure holding one of each kind and constraint."""
    p = prefix
    return {
        f"{p}Thing": {
            "type": "structure",
            "required": ["text"],
            "members": {
                "text": {"shape": f"{p}Text"},
                "note": {"shape": f"{p}Plain"},
                "plain": {"shape": f"{p}Plain"},
                "code": {"shape": f"{p}Code"},
                "number": {"shape": f"{p}Number"},
                "count": {"shape": f"{p}Count"},
                "ratio": {"shape": f"{p}Ratio"},
                "secret": {"shape": f"{p}Secret"},
                "data": {"shape": f"{p}Data"},
                "items": {"shape": f"{p}List"},
                "table": {"shape": f"{p}Map"},
                "part": {"shape": f"{p}Part"},
                "partB": {"shape": f"{p}Part"},
                "other": {"shape": f"{p}Other"},
            },
        },
        f"{p}Text": {"type": "string", "documentation": "Some text.", "min": 1, "max": 10, "pattern": "[a-z]+"},
        f"{p}Plain": {"type": "string"},
        f"{p}Code": {"type": "string", "enum": ["a", "b"]},
        f"{p}Number": {"type": "integer", "min": 1, "max": 100},
        f"{p}Count": {"type": "long"},
        f"{p}Ratio": {"type": "double"},
        f"{p}Secret": {"type": "string", "sensitive": True},
        f"{p}Data": {"type": "blob", "min": 1, "max": 16},
        f"{p}List": {"type": "list", "member": f"{p}Plain", "min": 1, "max": 5},
        f"{p}Map": {"type": "map", "key": f"{p}Plain", "value": f"{p}Plain", "min": 1, "max": 5},
        f"{p}Part": {"type": "structure", "members": {"a": {"shape": f"{p}Plain"}}},
        f"{p}Other": {"type": "structure", "members": {"a": {"shape": f"{p}Plain"}}},
    }


def base() -> dict[str, Any]:
    shapes = {**family("Req"), **family("Resp")}
    shapes.update(
        {
            "PutInput": {"type": "structure", "members": {"thing": {"shape": "ReqThing"}}},
            "PutOutput": {"type": "structure", "members": {"thing": {"shape": "RespThing"}}},
            "GetInput": {"type": "structure", "members": {}},
            "GetOutput": {"type": "structure", "members": {"word": {"shape": "RespPlain"}}},
            "Oops": {"type": "structure", "members": {"message": {"shape": "RespPlain"}}, "error": {"code": "Oops", "http_status": 400, "fault": "client"}},
            "Boom": {"type": "structure", "members": {}, "error": {"code": "Boom", "http_status": 500, "fault": "server"}},
        }
    )
    return {
        "spec_version": 1,
        "service": {
            "name": "Widgets",
            "package": "widgets",
            "api_version": "2020-01-01",
            "protocol": "awsJson1_1",
            "target_prefix": "Widgets_20200101",
            "signing_name": "widgets",
            "endpoint_prefix": "widgets",
            "documentation": "Widgets, put and got.",
        },
        "operations": {
            "Put": {"input": "PutInput", "output": "PutOutput", "errors": ["Oops"], "documentation": "Puts one."},
            "Get": {"input": "GetInput", "output": "GetOutput", "errors": ["Oops", "Boom"]},
        },
        "shapes": dict(sorted(shapes.items())),
    }


def compiled(data: dict[str, Any]) -> Service:
    return compile_data(copy.deepcopy(data), "widgets.yaml")
