"""The IR is a plain value: every reference checked when a Service is made, a read-only index,
equality and hashing from its fields, and walks that end however shapes refer to each other."""

from __future__ import annotations

import dataclasses

import pytest

from generator import compile_spec
from generator.ir import (
    INT64,
    IntegerShape,
    IRError,
    ListShape,
    MapShape,
    Member,
    Operation,
    Service,
    Shape,
    StringShape,
    StructureShape,
)

from ..conftest import ROOT, SPEC

INVENTORY = ROOT / "tests" / "generality" / "inventory.yaml"


def structure(name: str, *members: tuple[str, str]) -> StructureShape:
    return StructureShape(
        name, "structure", "", False, (), members=tuple(Member(wire, wire, shape, False, "", False) for wire, shape in members)
    )


def service(*shapes: Shape, input_name: str = "In", output_name: str = "Out") -> Service:
    op = Operation("Do", "do", input_name, output_name, (), "", (), "X.Do")
    everything = (structure("In"), structure("Out"), *shapes) if input_name == "In" else shapes
    return Service("X", "X", "x", "2020-01-01", "awsJson1_1", "X", "x", "x", "", "x.yaml", (op,), tuple(sorted(everything, key=lambda s: s.name)), ())


def test_the_same_spec_compiles_to_equal_hashable_services() -> None:
    for spec in (SPEC, INVENTORY):
        first, second = compile_spec(spec), compile_spec(spec)
        assert first == second and hash(first) == hash(second)
        assert len({first, second}) == 1


def test_the_shape_index_is_read_only_and_derived_from_the_shapes() -> None:
    inventory = compile_spec(INVENTORY)
    assert dict(inventory.shape_index) == {s.name: s for s in inventory.shapes}
    with pytest.raises(TypeError):
        inventory.shape_index["Sku"] = inventory.shape("Kind")  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        inventory.shape_index = {}  # type: ignore[misc]
    fewer = dataclasses.replace(inventory, shapes=inventory.shapes, common_errors=inventory.common_errors)
    assert fewer == inventory and fewer.shape_index is not inventory.shape_index
    assert "shape_index" not in repr(inventory)


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ((structure("Thing", ("part", "Missing")),), "shape Thing refers to Missing, which is not a shape"),
        ((ListShape("Things", "list", "", False, (), member="Nowhere"),), "shape Things refers to Nowhere"),
        (
            (MapShape("Counts", "map", "", False, (), key="Count", value="Count"), IntegerShape("Count", "integer", "", False, (), wire_range=INT64)),
            "the keys of Counts refers to Count, which is not a StringShape",
        ),
    ],
)
def test_a_reference_to_no_shape_or_the_wrong_kind_is_refused(shapes: tuple[Shape, ...], message: str) -> None:
    with pytest.raises(IRError, match=message):
        service(*shapes)


def test_operations_must_name_structures() -> None:
    with pytest.raises(IRError, match="Do's input refers to Name, which is not a StructureShape"):
        service(StringShape("Name", "string", "", False, ()), structure("Out"), input_name="Name")


def test_two_shapes_with_one_name_are_refused() -> None:
    with pytest.raises(IRError, match="two shapes are named Thing"):
        service(structure("Thing"), structure("Thing"))


def test_walking_ends_on_recursive_shapes() -> None:
    """The spec refuses recursion today; the IR does not rely on that (names, not object cycles)."""
    recursive = service(structure("Node", ("next", "Node"), ("leaves", "Leaves")), ListShape("Leaves", "list", "", False, (), member="Node"))
    assert recursive.reachable(["Node"]) == ("Leaves", "Node")
    assert recursive == service(structure("Node", ("next", "Node"), ("leaves", "Leaves")), ListShape("Leaves", "list", "", False, (), member="Node"))


def test_reachable_is_every_shape_a_root_is_made_of() -> None:
    inventory = compile_spec(INVENTORY)
    assert inventory.reachable(["ListItemsResult"]) == tuple(
        sorted(["ListItemsResult", "ItemList", *inventory.reachable(["Item"])])
    )


def test_recursive_names_the_shapes_a_cycle_passes_through() -> None:
    """Only those shapes count nesting depth in the validators and readers."""
    from generator.ir import on_cycles

    assert on_cycles({"A": ["B"], "B": ["A", "C"], "C": ["C"], "D": ["A"], "E": []}) == {"A", "B", "C"}
    long_chain = {f"S{i}": [f"S{i + 1}"] for i in range(50_000)} | {"S50000": ["S0"]}
    assert len(on_cycles(long_chain)) == 50_001  # no recursion: chains may be long
    recursive = service(structure("Node", ("next", "Node"), ("leaves", "Leaves")), ListShape("Leaves", "list", "", False, (), member="Node"))
    assert recursive.recursive == {"Node", "Leaves"}
