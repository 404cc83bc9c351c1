"""Unknown names in a request (runtime.request_names), found at every level, with boto3's
wording and a "did you mean"."""

from __future__ import annotations

import types

from runtime.request_names import RequestNames, UnknownName, refusal_text

NAMES = RequestNames(
    members={
        "PutInput": {"item": "Item", "items": "ItemList", "byName": "ItemMap", "dryRun": None, "maxResults": None},
        "Item": {"sku": None, "count": None},
    },
    items={"ItemList": "Item", "ItemMap": "Item"},
    wire_names={"PutInput": {"dry_run": "dryRun", "max_results": "maxResults", "by_name": "byName"}, "Item": {}},
)


def messages(value: object) -> list[UnknownName]:
    return NAMES.unknown(value, "PutInput")


def test_known_names_and_nulls_pass() -> None:
    assert messages({"item": {"sku": "a", "count": None}, "items": [{"sku": "b"}, None], "byName": {"x": {"count": 1}}, "dryRun": None}) == []


def test_unknown_names_at_every_level_with_their_paths() -> None:
    found = messages({"itme": {}, "item": {"skew": 1}, "items": [{"sku": "a"}, {"cout": 2}], "byName": {"k": {"size": 3}}})
    assert [name.path for name in found] == ["itme", "item.skew", "items.2.member.cout", "byName.k.size"]
    assert found[0].message == 'Unknown parameter in input: "itme", must be one of: item, items, byName, dryRun, maxResults; did you mean "item"?'
    assert found[2].message == 'Unknown parameter in items.2.member: "cout", must be one of: sku, count; did you mean "count"?'


def test_a_python_name_suggests_its_wire_name() -> None:
    (found,) = messages({"max_results": 5})
    assert found.message.endswith('; did you mean "maxResults"?')
    (folded,) = messages({"DRY_RUN": True})
    assert folded.message.endswith('; did you mean "dryRun"?')
    (nothing,) = messages({"zzzzzz": 1})
    assert "did you mean" not in nothing.message


def test_shown_names_are_cut_and_cleaned() -> None:
    (found,) = messages({"bad\nname" + "x" * 500: 1})
    assert "\n" not in found.message and len(found.path) == 100
    (odd,) = messages({7: 1})
    assert odd.path == "7"


def test_values_of_the_wrong_type_are_left_to_the_validators() -> None:
    assert messages({"item": "not an object", "items": {"not": "a list"}, "byName": ["x"]}) == []
    assert messages("not an object") == []


def test_the_refusal_lists_ten_and_counts_the_rest() -> None:
    text = refusal_text([f"m{i}" for i in range(12)], 10)
    assert text.splitlines() == ["Parameter validation failed:", *[f"m{i}" for i in range(10)], "... and 2 more unknown parameters"]


class Text(str):
    pass


def test_nulls_are_dropped_at_every_level_and_kept_where_sparse() -> None:
    sparse = RequestNames(NAMES._members, NAMES._items, NAMES._wire_names, frozenset({"ItemMap"}))
    request = {
        "item": {"sku": Text("a"), "count": None},
        "items": ({"sku": "b", "count": None}, None, {"count": 2.5}),
        "byName": types.MappingProxyType({"x": {"count": True, "sku": None}, "y": None}),
        "dryRun": None,
        "maxResults": {"free": {"form": None, "kept": b"\x00"}, "list": [None, {"a": None}]},
    }
    expected_items = [{"sku": "b"}, None, {"count": 2.5}]
    assert NAMES.without_nulls(request, "PutInput") == {
        "item": {"sku": "a"},
        "items": expected_items,
        "byName": {"x": {"count": True}},
        "maxResults": {"free": {"kept": b"\x00"}, "list": [None, {}]},
    }
    assert sparse.without_nulls(request, "PutInput")["byName"] == {"x": {"count": True}, "y": None}
    assert type(NAMES.without_nulls(request, "PutInput")["item"]["sku"]) is Text
    assert request["item"] == {"sku": "a", "count": None}  # the caller's request is left as it was
