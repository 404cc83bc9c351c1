"""What a diff reports: one `Change` per verdict, in the JSON form the `diff` command prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BREAKING, WARNING, INFO = "breaking", "warning", "info"
SEVERITIES = (BREAKING, WARNING, INFO)  # worst first
REQUEST, RESPONSE, BOTH, OPERATION = "request", "response", "both", "operation"
CLIENT, SERVER = "client", "server"
PERSPECTIVES = (CLIENT, SERVER)


@dataclass(frozen=True)
class Change:
    """One change of the API surface, judged from one side.

    `direction` says where the operations use what changed (request, response, both when one
    verdict holds for both) or `operation` for a change to an operation or the service as a
    whole; `shape` names the shape (an operation's or the service's name for those); `path`
    is where the change is in the spec (`$.shapes.Name.max`); `old` and `new` are the values
    before and after (null when there was or is none).
    """

    severity: str
    direction: str
    kind: str
    shape: str
    path: str
    old: Any
    new: Any
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "direction": self.direction,
            "kind": self.kind,
            "shape": self.shape,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "message": self.message,
        }

    @property
    def order(self) -> tuple[int, str, str, str, str]:
        return (SEVERITIES.index(self.severity), self.path, self.kind, self.direction, self.message)


def is_breaking(changes: list[Change], fail_on: str = BREAKING) -> bool:
    """Whether the changes fail a check that fails on `fail_on` (breaking, or warning too)."""
    worst = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(change.severity) <= worst for change in changes)
