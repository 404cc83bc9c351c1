"""The CBOR reader's two decoders: libipld (bodies in DAG-CBOR's form, as this package's client
writes them) and cbor2 (every other body). Whichever reads a body, the value or the refusal is
the same: these tests read each body both ways and compare."""

from __future__ import annotations

import math
from collections.abc import Iterator

import cbor2
import libipld
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime.protocols import ProtocolError, cbor_reader
from runtime.protocols.cbor_codec import CBOR, MAX_DEPTH

# What libipld's encoder writes (it refuses NaN, the infinities and -0.0 is written as 0.0).
LEAVES = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8) | st.binary(max_size=6)
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@pytest.fixture(autouse=True)
def libipld_first() -> Iterator[None]:
    cbor_reader._bodies_to_cbor2 = 0
    yield
    cbor_reader._bodies_to_cbor2 = 0


def outcome(body: bytes, by_cbor2: bool) -> tuple[str, object]:
    """What the server makes of `body` read by cbor2 (or libipld first), in a comparable form."""
    cbor_reader._bodies_to_cbor2 = 1 if by_cbor2 else 0
    try:
        value = CBOR.decode_request(body)
    except ProtocolError as exc:
        return "refused", (exc.code, exc.message)
    finally:
        cbor_reader._bodies_to_cbor2 = 0
    return "read", cbor2.dumps(value, canonical=True)  # NaN == NaN, 1 != 1.0 != True


def test_a_dag_cbor_body_is_read_by_libipld() -> None:
    body = libipld.encode_dag_cbor({"name": "w", "blob": b"\x00\x01", "sizes": [1, 2.5, None]})
    assert CBOR.decode_request(body) == {"name": "w", "blob": "AAE=", "sizes": [1, 2.5, None]}
    assert cbor_reader._bodies_to_cbor2 == 0  # libipld took it


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(VALUES)
def test_libipld_and_cbor2_read_a_dag_cbor_body_to_the_same_value(value: object) -> None:
    body = libipld.encode_dag_cbor({"v": value})
    assert outcome(body, by_cbor2=False) == outcome(body, by_cbor2=True)
    assert outcome(body, by_cbor2=False)[0] == "read"


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(VALUES, st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=3))
def test_any_change_to_a_dag_cbor_body_reads_or_is_refused_the_same_by_both(value: object, changes: list[tuple[int, int]]) -> None:
    body = bytearray(libipld.encode_dag_cbor({"v": value}))
    for place, byte in changes:
        body[place % len(body)] = byte
    assert outcome(bytes(body), by_cbor2=False) == outcome(bytes(body), by_cbor2=True)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        # libipld reads a CID (tag 42) as a plain byte string: only tag 1 is the protocol's.
        (bytes.fromhex("a16161d82a5825") + bytes.fromhex("0001711220") + bytes(range(32)), "tag 42 at byte 3 is not one the protocol uses"),
        (bytes.fromhex("d82a5825") + bytes.fromhex("0001711220") + bytes(range(32)), "tag 42 at byte 0"),
        # libipld reads as deep as Python's recursion limit; the protocol's limit is MAX_DEPTH.
        (b"\xa1\x61a" + b"\x81" * MAX_DEPTH + b"\x01", f"nested more than {MAX_DEPTH} deep"),
        (b"\xa1\x61a" + b"\x81" * MAX_DEPTH + b"\x41\x00", f"nested more than {MAX_DEPTH} deep"),
    ],
    ids=["cid-in-a-map", "cid-alone", "too-deep", "too-deep-with-bytes"],
)
def test_what_libipld_reads_but_the_protocol_refuses_is_refused(body: bytes, fragment: str) -> None:
    libipld.decode_dag_cbor(body)  # libipld alone takes it
    kind, (code, message) = outcome(body, by_cbor2=False)  # type: ignore[misc]
    assert (kind, code) == ("refused", "SerializationException") and fragment in message
    assert outcome(body, by_cbor2=False) == outcome(body, by_cbor2=True)


def test_a_body_holding_the_bytes_of_tag_42_outside_a_head_is_read() -> None:
    body = libipld.encode_dag_cbor({"b": b"\xd8\x2a", "n": [216, -11]})  # 42d82a, 18d82a
    assert body.count(b"\xd8\x2a") == 2
    assert CBOR.decode_request(body) == {"b": "2Co=", "n": [216, -11]}


def test_after_a_body_libipld_refuses_the_next_ones_go_to_cbor2_then_libipld_again() -> None:
    unsorted = cbor2.dumps({"maxBatchSize": 5, "actionTypeId": {"owner": "Custom", "category": "Test"}})
    sorted_body = libipld.encode_dag_cbor({"maxBatchSize": 5})
    assert CBOR.decode_request(unsorted) == {"maxBatchSize": 5, "actionTypeId": {"owner": "Custom", "category": "Test"}}
    assert cbor_reader._bodies_to_cbor2 == cbor_reader._CBOR2_BODIES
    for _ in range(cbor_reader._CBOR2_BODIES):
        assert CBOR.decode_request(sorted_body) == {"maxBatchSize": 5}
    assert cbor_reader._bodies_to_cbor2 == 0
    assert CBOR.decode_request(sorted_body) == {"maxBatchSize": 5}
    assert cbor_reader._bodies_to_cbor2 == 0


def test_a_count_taken_below_zero_by_racing_threads_still_tries_libipld() -> None:
    cbor_reader._bodies_to_cbor2 = -3
    assert CBOR.decode_request(libipld.encode_dag_cbor({"a": 1})) == {"a": 1}
    assert cbor_reader._bodies_to_cbor2 == -3  # libipld read it: no count down
    CBOR.decode_request(cbor2.dumps({"b": 1, "a": 1}))
    assert cbor_reader._bodies_to_cbor2 == cbor_reader._CBOR2_BODIES


def test_nan_and_negative_zero_which_dag_cbor_leaves_out_are_read_by_cbor2() -> None:
    value = CBOR.decode_request(cbor2.dumps({"n": math.nan, "z": -0.0}))
    assert math.isnan(value["n"]) and math.copysign(1.0, value["z"]) == -1.0
