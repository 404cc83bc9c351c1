"""Properties of the diff (hypothesis), over the two-family spec of tests/unit/diff_specs.py:
random edits of one shape each, every edit knowing the rule it falls under and where.

- diff(a, a) is empty;
- a random single edit is reported with its kind, path and side;
- edits that only loosen requests and only tighten responses never break callers (and the
  mirror never breaks servers);
- diff(a, b) and diff(b, a) name the same shapes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from generator.diff import diff
from generator.diff.change import BREAKING, CLIENT, SERVER

from .cli import ROOT
from .diff_specs import base, compiled

Spec = dict[str, Any]
TIGHTER, LOOSER, OTHER = "tighter", "looser", "other"  # what an edit does to the values a shape takes
SETTINGS = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Edit:
    shape: str
    kind: str  # the rule the diff must name
    where: str  # under $.shapes.<shape>
    effect: str
    apply: Callable[[dict[str, Any]], None]  # edits the shape's definition

    @property
    def path(self) -> str:
        return f"$.shapes.{self.shape}" + (f".{self.where}" if self.where else "")

    @property
    def direction(self) -> str:
        return "request" if self.shape.startswith("Req") else "response"


def _setter(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(shape: dict[str, Any]) -> None:
        shape[key] = value

    return apply


def _dropper(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda shape: shape.pop(key)


def _bounds(name: str, shape: dict[str, Any], what: str, draw: st.DrawFn) -> list[Edit]:
    low, high = shape["min"], shape["max"]
    return [
        Edit(name, f"min-{what}-raised", "min", TIGHTER, _setter("min", draw(st.integers(low + 1, high)))),
        Edit(name, f"min-{what}-lowered", "min", LOOSER, _setter("min", draw(st.integers(0, low - 1)))),
        Edit(name, f"min-{what}-lowered", "min", LOOSER, _dropper("min")),
        Edit(name, f"max-{what}-lowered", "max", TIGHTER, _setter("max", draw(st.integers(low, high - 1)))),
        Edit(name, f"max-{what}-raised", "max", LOOSER, _setter("max", draw(st.integers(high + 1, 10**6)))),
        Edit(name, f"max-{what}-raised", "max", LOOSER, _dropper("max")),
    ]


def _enum_edits(name: str, shape: dict[str, Any], draw: st.DrawFn) -> list[Edit]:
    values = shape["enum"]
    extra = draw(st.text("cdefgxyz", min_size=1, max_size=4))
    gone = draw(st.sampled_from(values))
    return [
        Edit(name, "enum-value-added", "enum", LOOSER, _setter("enum", [*values, extra])),
        Edit(name, "enum-value-removed", "enum", TIGHTER, _setter("enum", [v for v in values if v != gone])),
        Edit(name, "enum-removed", "enum", LOOSER, _dropper("enum")),
    ]


def _member_edits(name: str, shape: dict[str, Any], prefix: str, draw: st.DrawFn) -> list[Edit]:
    member = draw(st.from_regex(r"\Anew[A-Z][a-z]{0,6}\Z"))

    def add(required: bool) -> Callable[[dict[str, Any]], None]:
        def apply(thing: dict[str, Any]) -> None:
            thing["members"][member] = {"shape": f"{prefix}Plain"}
            if required:
                thing["required"] = [*thing["required"], member]

        return apply

    def require(thing: dict[str, Any]) -> None:
        thing["required"] = [*thing["required"], "note"]

    return [
        Edit(name, "member-added-optional", f"members.{member}", LOOSER, add(False)),
        Edit(name, "member-added-required", f"members.{member}", TIGHTER, add(True)),
        Edit(name, "member-became-required", "members.note", TIGHTER, require),
        Edit(name, "member-became-optional", "members.text", LOOSER, _setter("required", [])),
        Edit(name, "member-removed", "members.partB", OTHER, lambda thing: thing["members"].pop("partB")),
    ]


@st.composite
def edits_of(draw: st.DrawFn, name: str) -> Edit:
    """One edit of the shape `name` in base(), drawn from those its kind allows."""
    shape = base()["shapes"][name]
    prefix = "Req" if name.startswith("Req") else "Resp"
    kind = shape["type"]
    found: list[Edit] = [
        # blank text is no documentation at all, hence a letter first
        Edit(name, "documentation-changed", "documentation", OTHER, _setter("documentation", draw(st.from_regex(r"\A[abc][abc .]{0,19}\Z")))),
        Edit(name, "sensitive-removed" if shape.get("sensitive") else "sensitive-added", "sensitive", OTHER, _setter("sensitive", not shape.get("sensitive"))),
    ]
    if "min" in shape and "max" in shape:
        found += _bounds(name, shape, "value" if kind in ("integer", "long") else "length", draw)
    if kind == "string" and "enum" in shape:
        found += _enum_edits(name, shape, draw)
    elif kind == "string" and "pattern" in shape:
        found += [
            Edit(name, "pattern-removed", "pattern", LOOSER, _dropper("pattern")),
            Edit(name, "pattern-changed", "pattern", OTHER, _setter("pattern", "[a-z0-9]+")),
        ]
    elif kind == "string":
        found.append(Edit(name, "pattern-added", "pattern", TIGHTER, _setter("pattern", draw(st.sampled_from(["[a-z]+", "[0-9]*", "^x"])))))
    if name.endswith("Thing"):
        found += _member_edits(name, shape, prefix, draw)
    return draw(st.sampled_from(found))


FAMILY = sorted(name for name in base()["shapes"] if name.startswith(("Req", "Resp")))


def any_edit() -> st.SearchStrategy[Edit]:
    return st.sampled_from(FAMILY).flatmap(edits_of)


def edited(edits: list[Edit]) -> Spec:
    spec = base()
    for edit in edits:
        edit.apply(spec["shapes"][edit.shape])
    return spec


def edit_lists(keep: Callable[[Edit], bool] = lambda edit: True) -> st.SearchStrategy[list[Edit]]:
    """One to four edits, at most one per shape (two bounds moved at once could cross)."""
    return st.lists(any_edit().filter(keep), min_size=1, max_size=4, unique_by=lambda edit: edit.shape)


def test_a_spec_against_itself_is_empty() -> None:
    from generator.pipeline import compile_spec

    for api in (compiled(base()), compile_spec(ROOT / "specs" / "pollforjobs.yaml")):
        assert diff(api, api) == [] and diff(api, api, SERVER) == []


@SETTINGS
@given(edit_lists())
def test_an_edited_spec_against_itself_is_empty(edits: list[Edit]) -> None:
    api = compiled(edited(edits))
    assert diff(api, api) == []


@SETTINGS
@given(any_edit())
def test_a_single_edit_is_reported_with_its_kind_path_and_side(edit: Edit) -> None:
    changes = diff(compiled(base()), compiled(edited([edit])))
    reported = {(c.kind, c.path, c.direction) for c in changes}
    assert (edit.kind, edit.path, edit.direction) in reported, reported
    assert {c.shape for c in changes if c.kind != "shape-removed"} <= {edit.shape}


def _loosens_requests_tightens_responses(edit: Edit) -> bool:
    return edit.effect == (LOOSER if edit.direction == "request" else TIGHTER)


@SETTINGS
@given(edit_lists(_loosens_requests_tightens_responses))
def test_loosened_requests_and_tightened_responses_never_break_callers(edits: list[Edit]) -> None:
    changes = diff(compiled(base()), compiled(edited(edits)), CLIENT)
    assert changes and not [c for c in changes if c.severity == BREAKING]


@SETTINGS
@given(edit_lists(lambda edit: not _loosens_requests_tightens_responses(edit) and edit.effect != OTHER))
def test_tightened_requests_and_loosened_responses_never_break_servers(edits: list[Edit]) -> None:
    changes = diff(compiled(base()), compiled(edited(edits)), SERVER)
    assert changes and not [c for c in changes if c.severity == BREAKING]


@SETTINGS
@given(edit_lists())
def test_both_ways_name_the_same_shapes(edits: list[Edit]) -> None:
    before, after = compiled(base()), compiled(edited(edits))
    forth, back = diff(before, after), diff(after, before)
    assert forth and {c.shape for c in forth} == {c.shape for c in back}
    assert {c.path for c in forth} == {c.path for c in back}


@pytest.mark.parametrize("version", ["2015-07-08", "2016-06-21", "2019-04-30", "2025-05-16"])
def test_each_history_model_against_itself_is_empty(version: str) -> None:
    from generator.diff.sides import read_sides

    model = str(ROOT / "tests" / "data" / "codepipeline-history" / f"pollforjobs.{version}.json")
    before, after = read_sides(model, model, None)
    assert diff(before.service, after.service) == []


@pytest.mark.parametrize(
    "kind",
    ["min-length-raised", "max-value-raised", "pattern-added", "enum-value-removed", "member-added-required", "member-became-optional", "sensitive-removed"],
)
def test_the_edits_reach_the_rules_they_claim(kind: str) -> None:
    """The strategies can draw an edit of each of these kinds (a derandomized search, so the
    same on every run); the rules only a rename or a retarget makes are tested one by one in
    test_diff_rules.py."""
    found = find(any_edit(), lambda edit: edit.kind == kind, settings=settings(max_examples=5000, database=None, derandomize=True))
    assert found.kind == kind
