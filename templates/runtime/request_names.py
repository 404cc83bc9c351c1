"""Names a request may hold: the client refuses a name its operation does not have, at every
level of the request, as boto3 refuses it (`Unknown parameter in input: "maxBatchsize", must
be one of: ...`), and says which member a misspelt name most likely means."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from .client_errors import clean_text

MAX_SHOWN_NAME: Final = 100
_NOT_A_MEMBER: Final = "\x00not a member"
# Values that hold no names and no nulls, by exact type.
_PLAIN: Final = frozenset({str, int, float, bool, bytes})


class UnknownName(NamedTuple):
    """One name a request holds that its shape does not have: where, and what to say."""

    path: str
    message: str


class RequestNames:
    """The names of a spec's request shapes.

    `members`: each structure's members by wire name, mapped to the shape of the value when
    that may hold names too (else None). `items`: each list's member shape and each map's
    value shape, when that holds names. `wire_names`: per structure, the Python names of the
    members whose wire names differ, for "did you mean". `sparse`: the lists and maps whose
    null members are values (members name them, whatever their items hold).
    """

    def __init__(
        self,
        members: Mapping[str, Mapping[str, str | None]],
        items: Mapping[str, str],
        wire_names: Mapping[str, Mapping[str, str]],
        sparse: frozenset[str] = frozenset(),
    ) -> None:
        self._members = members
        self._items = items
        self._wire_names = wire_names
        self._sparse = sparse

    def without_nulls(self, value: Any, shape: str | None) -> Any:
        """A wire value of `shape` with null members dropped: `null` means "not set" and is
        never sent; in a sparse list or map it is a value, and stays."""
        kind = type(value)
        if kind in _PLAIN:  # most values: returned before the (slow) Mapping check
            return value
        if kind is dict or isinstance(value, Mapping):
            members = self._members.get(shape) if shape is not None else None
            if members is not None:
                return {
                    k: v if type(v) in _PLAIN else self.without_nulls(v, members.get(k))
                    for k, v in value.items()
                    if v is not None
                }
            keep = shape in self._sparse
            item = self._items.get(shape) if shape is not None else None
            return {
                k: v if type(v) in _PLAIN else self.without_nulls(v, item)
                for k, v in value.items()
                if keep or v is not None
            }
        if isinstance(value, (list, tuple)):
            item = self._items.get(shape) if shape is not None else None
            return [v if type(v) in _PLAIN else self.without_nulls(v, item) for v in value]
        return value

    def unknown(self, value: object, shape: str) -> list[UnknownName]:
        """Every name in `value` (a wire value of `shape`) that its shape does not have."""
        found: list[UnknownName] = []
        self._walk(value, shape, "", found)
        return found

    def _walk(self, value: object, shape: str, path: str, found: list[UnknownName]) -> None:
        members = self._members.get(shape)
        if members is None:
            item_shape = self._items.get(shape)
            if item_shape is None:
                return
            if isinstance(value, Mapping):
                for key, item in value.items():
                    if item is not None:
                        self._walk(item, item_shape, f"{path}.{key}", found)
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value, 1):
                    if item is not None:
                        self._walk(item, item_shape, f"{path}.{index}.member", found)
            return
        if type(value) is not dict and not isinstance(value, Mapping):
            return  # a value of the wrong type: the validators say so
        for key, item in value.items():
            child = members.get(key, _NOT_A_MEMBER)
            if child is None:
                continue
            if child is _NOT_A_MEMBER:
                found.append(self._unknown_name(shape, key, path))
            elif item is not None:
                self._walk(item, child, f"{path}.{key}" if path else key, found)

    def _unknown_name(self, shape: str, key: object, path: str) -> UnknownName:
        shown = clean_text(key if isinstance(key, str) else repr(key), MAX_SHOWN_NAME)
        names = ", ".join(self._members[shape])
        message = f'Unknown parameter in {path or "input"}: "{shown}", must be one of: {names}'
        suggestion = self._close_name(shape, key)
        if suggestion is not None:
            message += f'; did you mean "{suggestion}"?'
        return UnknownName(f"{path}.{shown}" if path else shown, message)

    def _close_name(self, shape: str, key: object) -> str | None:
        """The member a misspelt name most likely means: its wire name for a Python (snake_case)
        name, a name that differs only in case or `_`, else the closest by difflib."""
        if not isinstance(key, str):
            return None
        members = list(self._members[shape])
        by_python_name = self._wire_names[shape].get(key)
        if by_python_name is not None:
            return by_python_name
        folded = key.replace("_", "").replace("-", "").lower()
        for name in members:
            if name.replace("_", "").lower() == folded:
                return name
        import difflib  # only when a name is misspelt: it is not needed to import the client

        close = difflib.get_close_matches(key, members, n=1, cutoff=0.6)
        return close[0] if close else None


def refusal_text(messages: list[str], max_listed: int) -> str:
    """The text of the error that refuses unknown names, as boto3 words it."""
    listed = messages[:max_listed]
    if len(messages) > len(listed):
        listed.append(f"... and {len(messages) - len(listed)} more unknown parameters")
    return "Parameter validation failed:\n" + "\n".join(listed)
