"""The rule table: every kind of change the diff knows, with its verdict on each side.

A rule's verdicts are the callers' (the API's users): `request` when what changed is in a
request, `response` when it is in a response. `--perspective server` reads them the other
way round (a server reads requests as a caller reads responses). Detectors find changes
between two shapes of one kind, and say which rule each change falls under; a kind of shape
adds its rules with `rule(...)`, its detectors with `@detects(IRClass)` and, when it is made
of other shapes, its references with `@refers(IRClass)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ..ir import Service, Shape
from .change import BREAKING, INFO, SEVERITIES, WARNING

__all__ = ["BREAKING", "INFO", "WARNING", "Finding", "Pair", "Reference", "Rule", "all_rules", "detectors_for", "references_for", "rule"]


@dataclass(frozen=True)
class Rule:
    kind: str
    request: str
    response: str
    summary: str  # what the change is, for the README's table
    reason: str  # why the verdicts are what they are, the Python API included
    oasdiff: str = ""  # the corresponding oasdiff check ids
    smithy: str = ""  # the corresponding smithy-diff event id

    def __post_init__(self) -> None:
        assert self.request in SEVERITIES and self.response in SEVERITIES, self


@dataclass(frozen=True)
class Finding:
    """A change a detector found. `path` is under the shape (`max`, `members.name`) for shape
    detectors and a whole spec path (`$.service.protocol`) for the service's; service
    findings also say which shape (or operation) they are about and on which sides."""

    kind: str
    path: str
    old: Any
    new: Any
    message: str
    subject: str = ""
    directions: tuple[str, ...] = ()
    operation_level: bool = False


@dataclass(frozen=True)
class Pair:
    """The shape at one place in the old and the new API; usually one shape by one name, but a
    member may now refer to another shape, and then the two are compared as one."""

    old_service: Service
    new_service: Service
    old: Any
    new: Any

    @property
    def name(self) -> str:
        """How messages name the shape."""
        return self.new.name if self.old.name == self.new.name else f"{self.new.name} (in place of {self.old.name})"


@dataclass(frozen=True)
class Reference:
    """A place where a shape refers to another: the two shapes there, by name, and the spec
    path under the referring shape (`members.jobs.shape`, `member`, `value`)."""

    old: str
    new: str
    path: str


Detector = Callable[[Any, Any, Pair], Iterable[Finding]]
Referrer = Callable[[Any, Any], Iterable[Reference]]
ServiceDetector = Callable[[Service, Service], Iterable[Finding]]

RULES: dict[str, Rule] = {}
_DETECTORS: dict[type[Shape], list[Detector]] = {}
_REFERRERS: dict[type[Shape], Referrer] = {}
SERVICE_DETECTORS: list[ServiceDetector] = []

F = TypeVar("F")


def rule(kind: str, request: str, response: str, summary: str, reason: str, *, oasdiff: str = "", smithy: str = "") -> str:
    """Add a rule to the table; returns its kind, for the detectors to name."""
    if kind in RULES:
        raise ValueError(f"rule {kind} is defined twice")
    RULES[kind] = Rule(kind, request, response, summary, reason, oasdiff, smithy)
    return kind


def detects(*ir_classes: type[Shape]) -> Callable[[F], F]:
    """Register a detector for pairs of shapes of these IR classes (both of one class)."""

    def register(detector: F) -> F:
        for ir_class in ir_classes:
            _DETECTORS.setdefault(ir_class, []).append(detector)  # type: ignore[arg-type]
        return detector

    return register


def refers(*ir_classes: type[Shape]) -> Callable[[F], F]:
    def register(referrer: F) -> F:
        for ir_class in ir_classes:
            _REFERRERS[ir_class] = referrer  # type: ignore[assignment]
        return referrer

    return register


def service_detector(detector: ServiceDetector) -> ServiceDetector:
    SERVICE_DETECTORS.append(detector)
    return detector


def detectors_for(shape: Shape) -> list[Detector]:
    """The detectors for the shape's class, those of its base classes after its own."""
    return [d for cls in type(shape).__mro__ for d in _DETECTORS.get(cls, [])]


def references_for(old: Shape, new: Shape) -> Iterator[Reference]:
    referrer = _REFERRERS.get(type(new))
    if referrer is not None and type(old) is type(new):
        yield from referrer(old, new)


def all_rules() -> list[Rule]:
    return list(RULES.values())
