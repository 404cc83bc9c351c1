"""The neutral form both model sources translate into, before operations are chosen.

Shapes and operations are already in the spec format's terms (see specs/spec.schema.json),
but keyed by the model's own names and referring to each other by them; documentation is
already text. What the format cannot say is either left out with a `Skip` (a trait) or makes
the shape `unexpressible` (so operations that reach it are refused, with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A name no model can use for a shape: the empty structure an operation without input or
# output gets (Smithy's smithy.api#Unit). names.py gives it a legal name ("Unit").
UNIT = "smithy.api#Unit"


@dataclass(frozen=True, order=True)
class Skip:
    """A trait (or value) left out of the spec, where, and why. `owner` is the shape or
    operation it belongs to ("shape:NAME" or "operation:NAME"), so the summary lists only
    what the chosen operations reach."""

    trait: str
    where: str
    reason: str

    @property
    def owner(self) -> str:
        kind, _, rest = self.where.partition(" ")
        return f"shape:{rest.split('.', 1)[0]}" if kind == "member" else f"{kind}:{rest}"


@dataclass
class Model:
    format: str  # "botocore" or "smithy"
    service: dict[str, Any]  # spec service keys except package
    protocols: list[str]  # every protocol the model names, in its order (botocore's names)
    json_protocol: str | None  # awsJson1_0 / awsJson1_1, or None
    no_json_reason: str  # why json_protocol is None
    operations: dict[str, dict[str, Any]]
    shapes: dict[str, dict[str, Any]]
    event_streams: set[str] = field(default_factory=set)
    unexpressible: dict[str, str] = field(default_factory=dict)  # shape -> why
    skipped: list[Skip] = field(default_factory=list)
    # operations the model has but that cannot be imported at all, with the reason
    refused_operations: dict[str, str] = field(default_factory=dict)


CBOR = "smithy-rpc-v2-cbor"


def spec_protocols(model: Model) -> list[str]:
    """The protocols of `model` the spec format has, by the spec's names, in the model's order
    (AWS's preference): AWS JSON as `json_protocol` says, RPC v2 CBOR as `rpcv2Cbor`."""
    found: list[str] = []
    for name in model.protocols:
        if name == "json" and model.json_protocol:
            found.append(model.json_protocol)
        elif name == CBOR:
            found.append("rpcv2Cbor")
    return list(dict.fromkeys(found))


def no_protocol_reason(model: Model) -> str:
    """Why a model with no protocol of the spec format's cannot be imported."""
    if "json" in model.protocols:
        return model.no_json_reason
    return f"the model's protocols are {model.protocols or 'not given'}: none is AWS JSON ('json') or Smithy RPC v2 CBOR ('{CBOR}')"


def references(shape: dict[str, Any]) -> list[str]:
    """The shapes a neutral (or spec) shape refers to, in order."""
    kind = shape["type"]
    if kind in ("structure", "union"):
        return [member["shape"] for member in shape["members"].values()]
    if kind == "list":
        return [shape["member"]]
    if kind == "map":
        return [shape["key"], shape["value"]]
    return []
