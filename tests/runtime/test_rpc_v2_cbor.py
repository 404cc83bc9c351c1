"""Smithy RPC v2 CBOR in the runtime: the codec (every kind of malformed body is a located
SerializationException, never another exception) and one core serving CBOR and AWS JSON at
once, to the same handler, with the same errors."""

from __future__ import annotations

import json
import math
import threading
import time
from datetime import UTC, datetime
from email.message import Message

import cbor2
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime.protocols import ProtocolError
from runtime.protocols.aws_json import AwsJsonServer
from runtime.protocols.cbor_codec import CBOR, MAX_DEPTH, MalformedCbor, check_well_formed
from runtime.protocols.rpc_v2_cbor import RpcV2CborClient, RpcV2CborServer
from runtime.server import Application
from runtime.transport import Response
from runtime.validation import ByteStringText, is_blob_text

from .asgi import PREFIX, Answer, Handler, call, operations, spec

PATH = f"/service/{PREFIX}/operation/PutWidget"
CBOR_HEADERS = [(b"smithy-protocol", b"rpc-v2-cbor"), (b"content-type", b"application/cbor"), (b"accept", b"application/cbor")]
JSON_HEADERS = [(b"x-amz-target", f"{PREFIX}.PutWidget".encode()), (b"content-type", b"application/x-amz-json-1.0")]


def refused(body: bytes) -> str:
    with pytest.raises(ProtocolError) as caught:
        CBOR.decode_request(body)
    assert caught.value.code == "SerializationException" and caught.value.status is None
    assert caught.value.message.startswith("The request body is not valid CBOR: ")
    return caught.value.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (bytes.fromhex("a1616101"), {"a": 1}),
        (bytes.fromhex("bfff"), {}),  # botocore's own empty input: an indefinite-length map
        (bytes.fromhex("bf61619f0102ff636263645f4201024103ff61657f61626163ffff"), {"a": [1, 2], "bcd": "AQID", "e": "bc"}),
        (cbor2.dumps({"t": cbor2.CBORTag(1, 1576540098)}), {"t": 1576540098}),
        (cbor2.dumps({"t": cbor2.CBORTag(1, 1576540098.52)}), {"t": 1576540098.52}),
        (cbor2.dumps({"b": b"\x00\xff", "n": None, "f": False, "h": 1.5}), {"b": "AP8=", "n": None, "f": False, "h": 1.5}),
        (b"", {}),
        (bytes.fromhex("a17f6161ff01"), {"a": 1}),  # an indefinite-length key is well-formed CBOR
    ],
    ids=["definite", "empty-indefinite", "indefinite-all", "timestamp-int", "timestamp-float", "blob-and-simple", "empty-body", "indefinite-key"],
)
def test_well_formed_bodies_read_as_the_json_protocols_values(body: bytes, expected: object) -> None:
    assert CBOR.decode_request(body) == expected


def test_a_request_byte_string_is_text_only_a_blob_member_takes() -> None:
    body = cbor2.dumps({"b": b"\x00\xff", "l": [b"\x01"], "s": "AP8="})
    value = CBOR.decode_request(body)
    assert value == {"b": "AP8=", "l": ["AQ=="], "s": "AP8="}
    assert type(value["b"]) is ByteStringText and type(value["l"][0]) is ByteStringText
    assert type(value["s"]) is str
    assert is_blob_text(value["b"]) and is_blob_text(value["s"]) and not is_blob_text(b"\x00")
    # A client reads an answer's blob as plain text, which its readers take.
    assert type(CBOR.decode(body)["b"]) is str


def test_nan_and_the_infinities_are_floats() -> None:
    value = CBOR.decode_request(cbor2.dumps({"n": math.nan, "p": math.inf, "m": -math.inf}))
    assert math.isnan(value["n"]) and value["p"] == math.inf and value["m"] == -math.inf
    assert math.isnan(CBOR.decode_request(bytes.fromhex("a1616ef97e00"))["n"])  # a half-precision NaN


def nested(depth: int) -> bytes:
    return b"\x81" * depth + b"\x01"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (bytes.fromhex("a16161"), "the body ends inside an item (at byte 3)"),
        (bytes.fromhex("a1616119"), "the item at byte 3 is truncated"),
        (bytes.fromhex("bf616101"), "the body ends inside an item"),  # an indefinite map never closed
        (bytes.fromhex("5f6161ff"), "the chunk at byte 1 of an indefinite-length string is not a definite byte string"),
        (bytes.fromhex("5f5f4100ffff"), "is not a definite byte string"),
        (bytes.fromhex("a1616101ff"), "the body has 1 bytes after its item (from byte 4)"),
        (bytes.fromhex("a16161016502"), "the body has 2 bytes after its item (from byte 4)"),  # a truncated item after it
        (bytes.fromhex("a1616101f6"), "the body has 1 bytes after its item (from byte 4)"),  # a null after it
        (bytes.fromhex("a161610181"), "the body has 1 bytes after its item (from byte 4)"),  # an array the sentinel would end
        (bytes.fromhex("a1616101c1"), "the body has 1 bytes after its item (from byte 4)"),
        (bytes.fromhex("ff"), "a break at byte 0 ends no indefinite-length item"),
        (bytes.fromhex("bf6161ff"), "has a key without a value"),
        (bytes.fromhex("a161617a7fffffff41"), "the string at byte 3 declares 2147483647 bytes; the body has 1 left"),
        (bytes.fromhex("9b00000000ffffffff"), "the array at byte 0 declares 4294967295 items"),
        (bytes.fromhex("bb7fffffffffffffff"), "the map at byte 0 declares 9223372036854775807 items"),
        (nested(MAX_DEPTH + 1), f"nested more than {MAX_DEPTH} deep"),
        (bytes.fromhex("a16161c074323031332d30332d32315432303a30343a30305a"), "tag 0 at byte 3 is not one the protocol uses"),
        (bytes.fromhex("d81c81d81d00"), "tag 28 at byte 0"),  # a shared reference (could make a cycle)
        (bytes.fromhex("d9d9f7a0"), "tag 55799 at byte 0"),
        (bytes.fromhex("a16174c16161"), "the timestamp at byte 3 holds a text string, not a number of seconds"),
        (bytes.fromhex("a10101"), "the map key at byte 1 is an unsigned integer, not a definite-length text string"),
        (bytes.fromhex("a1416101"), "the map key at byte 1 is a byte string"),
        (bytes.fromhex("a2616101616102"), "the map key at byte 4 repeats a key of its map"),
        (bytes.fromhex("bf616101616102ff"), "repeats a key of its map"),
        (bytes.fromhex("a16161f7"), "is undefined, which the protocol does not use"),
        (bytes.fromhex("a16161f0"), "the simple value 16"),
        (bytes.fromhex("a16161f820"), "the simple value 32"),
        (bytes.fromhex("a161611c"), "uses a reserved length (additional information 28)"),
        (bytes.fromhex("a1616162c328"), "the text string at byte 3 is not valid UTF-8"),
        (bytes.fromhex("1f"), "an unsigned integer at byte 0 cannot have an indefinite length"),
    ],
    ids=lambda v: v.hex()[:24] if isinstance(v, bytes) else "",
)
def test_malformed_bodies_are_serialization_exceptions_that_say_where(body: bytes, fragment: str) -> None:
    assert fragment in refused(body)


def test_nesting_up_to_the_limit_is_read() -> None:
    value = CBOR.decode_request(b"\xa1\x61a" + b"\x81" * (MAX_DEPTH - 1) + b"\x01")
    for _ in range(MAX_DEPTH):
        value = value["a"] if isinstance(value, dict) else value[0]
    assert value == 1


def test_a_byte_string_at_the_nesting_limit_is_read_as_any_leaf_is() -> None:
    # Only containers count towards the limit (as check_well_formed and the fuzz oracle say).
    value = CBOR.decode_request(b"\xa1\x61a" + b"\x81" * (MAX_DEPTH - 1) + b"\x41\x00")
    for _ in range(MAX_DEPTH):
        value = value["a"] if isinstance(value, dict) else value[0]
    assert value == "AA=="


def test_a_body_longer_than_a_read_reads_the_same_after_a_refused_one() -> None:
    # cbor2 reads 4 KB at a time: what it read of a refused body must not meet the next one.
    long_body = cbor2.dumps({"name": "x" * 10_000, "sizes": list(range(500))})
    assert refused(long_body[:-1])
    assert refused(long_body + b"\x00")
    assert CBOR.decode_request(long_body) == {"name": "x" * 10_000, "sizes": list(range(500))}
    assert CBOR.decode_request(bytes.fromhex("a1616101")) == {"a": 1}


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_are_read_or_refused_as_a_serialization_exception(body: bytes) -> None:
    try:
        CBOR.decode_request(body)
    except ProtocolError as exc:
        assert exc.code == "SerializationException"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.binary(max_size=24), min_size=1, max_size=6))
def test_a_body_reads_the_same_whatever_was_read_before_it(earlier: list[bytes]) -> None:
    # Each thread reuses one decoder: refusals, bytes after an item and the decoder's read-ahead
    # must leave nothing behind for the next body, in any thread.
    body = cbor2.dumps({"name": "w", "sizes": [1, 2.5, None], "blob": b"\x00\x01"})
    expected = {"name": "w", "sizes": [1, 2.5, None], "blob": "AAE="}

    def read_after_earlier() -> object:
        for other in earlier:
            for attempt in (other, body + other, other + body):
                try:
                    CBOR.decode_request(attempt)
                except ProtocolError:
                    pass
        return CBOR.decode_request(body)

    assert read_after_earlier() == expected
    found: list[object] = []
    thread = threading.Thread(target=lambda: found.append(read_after_earlier()))
    thread.start()
    thread.join()
    assert found == [expected]


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats() | st.text(max_size=8), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20))
def test_what_cbor2_writes_is_read_back(value: object) -> None:
    body = cbor2.dumps({"v": value})
    assert check_well_formed(body) is False
    assert cbor2.dumps(CBOR.decode_request(body)) == body


def test_bodies_are_written_as_cbor() -> None:
    assert CBOR.encode_model(None) == b"\xa0"
    assert cbor2.loads(CBOR.encode({"__type": "X", "message": "m"})) == {"__type": "X", "message": "m"}
    with pytest.raises(MalformedCbor):
        CBOR.decode(b"\xa1")
    with pytest.raises(TypeError):
        CBOR.encode({"a": [1, object()]})  # fails half-way through
    assert CBOR.encode({"b": 2}) == bytes.fromhex("a1616202")  # nothing of the failed one left
    seen: list[bytes] = []
    threads = [threading.Thread(target=lambda n=n: seen.append(CBOR.encode({"n": n}))) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(cbor2.loads(b)["n"] for b in seen) == list(range(8))


def exactly(value: object) -> object:
    """`value` compared by kind as well: -0.0 is not 0.0, NaN is NaN, a byte string is not a tag."""
    if isinstance(value, float):
        return ("float", math.copysign(1.0, value), "NaN" if math.isnan(value) else value)
    if isinstance(value, dict):
        return {key: exactly(item) for key, item in value.items()}
    if isinstance(value, list):
        return [exactly(item) for item in value]
    return (type(value).__name__, value.tag, exactly(value.value)) if isinstance(value, cbor2.CBORTag) else (type(value).__name__, value)


# A byte string that libipld's DAG-CBOR encoder would take for a CID and write as tag 42.
CID_LIKE = bytes.fromhex("01711220") + bytes(range(32))


@pytest.mark.parametrize(
    "value",
    [{"z": -0.0}, {"z": [0.0, -0.0]}, {"b": CID_LIKE}, {"n": math.nan, "i": -math.inf}, {"big": 2**64}, {"t": (1, 2)}, {"k": "\u0634", "x": b"\xd8\x2a"}],
    ids=["minus-zero", "zeros", "cid-like-blob", "non-finite", "big-integer", "tuple", "tag-42-bytes-in-text"],
)
def test_answers_hold_what_cbor2_would_write_where_libipld_would_write_otherwise(value: dict[str, object]) -> None:
    assert exactly(cbor2.loads(CBOR.encode(value))) == exactly(cbor2.loads(cbor2.dumps(value)))


class Stamped(pydantic.BaseModel):
    at: datetime | None = None
    name: str | None = None


def test_a_timestamp_in_an_answer_is_tag_1() -> None:
    body = CBOR.encode_model(Stamped(at=datetime(2020, 1, 2, tzinfo=UTC), name="n"))
    assert cbor2.loads(body, tag_hook=lambda _, tag: tag, semantic_decoders={1: lambda v, _: ("tag 1", v)}) == {"at": ("tag 1", 1577923200), "name": "n"}
    assert cbor2.loads(CBOR.encode_model(Stamped(name="n"))) == {"name": "n"}


class Measured(pydantic.BaseModel):
    z: float | None = None
    b: bytes | None = None
    doc: object = None


class Named(pydantic.BaseModel):
    name: str | None = None
    sizes: list[int] | None = None
    tags: dict[str, str] | None = None


@pytest.mark.parametrize(
    "model",
    [Measured(z=-0.0, b=CID_LIKE), Measured(doc={"z": -0.0, "b": CID_LIKE}), Measured(z=math.nan), Named(name="\u0634", sizes=[0, -1, 2**63], tags={"k": "v"})],
    ids=["minus-zero-and-cid-members", "document-member", "nan-member", "text-and-integers"],
)
def test_models_are_written_as_cbor2_writes_them(model: pydantic.BaseModel) -> None:
    # A model whose schema holds only text, integers, lists and maps skips the searches for
    # tag 42 and 0.0; any other goes through them.
    values = model.__pydantic_serializer__.to_python(model, by_alias=True, exclude_none=True)
    assert exactly(cbor2.loads(CBOR.encode_model(model))) == exactly(cbor2.loads(cbor2.dumps(values)))


leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.binary(max_size=40) | st.just(CID_LIKE)


@settings(max_examples=400, deadline=None)
@given(st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20))
def test_every_value_is_written_as_cbor2_writes_it_but_for_the_order_of_map_keys(value: object) -> None:
    assert exactly(cbor2.loads(CBOR.encode({"v": value}))) == exactly(cbor2.loads(cbor2.dumps({"v": value})))


def app(*protocols: object, **options: object) -> Application:  # type: ignore[type-arg]
    settings: dict[str, object] = {"credentials": None, "max_body_bytes": 1024, "clock_skew": 300.0, "clock": time.time, "sync_in_thread": True}
    settings.update(options)
    served = spec(protocols[0], operations())  # type: ignore[arg-type]
    served = type(served)(tuple(protocols), *[getattr(served, f) for f in ("operations", "errors_by_code", "format_message", "signing_name", "logger")])  # type: ignore[arg-type]
    return Application(served, Handler(), **settings)  # type: ignore[arg-type]


def both() -> Application:  # type: ignore[type-arg]
    return app(AwsJsonServer("1.0", PREFIX), RpcV2CborServer(PREFIX))


def cbor_error(answer: Answer) -> tuple[int, str, str]:
    data = cbor2.loads(answer.body)
    return answer.status, data["__type"], data["message"]


def test_one_app_answers_both_protocols_from_the_same_handler() -> None:
    served = both()
    in_cbor = call(served, path=PATH, headers=CBOR_HEADERS, chunks=[cbor2.dumps({"widgetId": "w1"})])
    assert (in_cbor.status, cbor2.loads(in_cbor.body)) == (200, {"version": 1})
    assert in_cbor.headers["content-type"] == "application/cbor" and in_cbor.headers["smithy-protocol"] == "rpc-v2-cbor"
    in_json = call(served, path="/", headers=JSON_HEADERS, chunks=[b'{"widgetId": "w1"}'])
    assert (in_json.status, in_json.body, in_json.headers["content-type"]) == (200, b'{"version":1}', "application/x-amz-json-1.0")
    assert "smithy-protocol" not in in_json.headers


@pytest.mark.parametrize(
    ("widget", "expected"),
    [
        ("conflict", (409, "ConflictException", "taken")),
        ("boom", (500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")),
        (None, (400, "ValidationException", "1 validation error detected: Value null at 'widgetId' failed to satisfy constraint: Member must not be null")),
        (7, (400, "SerializationException", "Expected a string at 'widgetId'")),
    ],
)
def test_errors_are_the_same_in_both_protocols(widget: object, expected: tuple[int, str, str]) -> None:
    document = {} if widget is None else {"widgetId": widget}
    in_cbor = call(both(), path=PATH, headers=CBOR_HEADERS, chunks=[cbor2.dumps(document)])
    in_json = call(both(), path="/", headers=JSON_HEADERS, chunks=[json.dumps(document).encode()])
    assert cbor_error(in_cbor) == in_json.error == expected
    assert "x-amzn-errortype" not in in_cbor.headers and in_cbor.headers["smithy-protocol"] == "rpc-v2-cbor"


@pytest.mark.parametrize(
    ("path", "extra", "method", "expected"),
    [
        (PATH, [(b"smithy-protocol", b"rpc-v2-json")], "POST", (400, "SerializationException", "The request must carry the header Smithy-Protocol: rpc-v2-cbor.")),
        (PATH, [(b"content-type", b"application/json")], "POST", (400, "SerializationException", "Content-Type must be application/cbor.")),
        (PATH, [(b"accept", b"application/json")], "POST", (406, "NotAcceptableException", "The answer is application/cbor; Accept refuses it.")),
        (PATH, [(b"accept", b"application/cbor;q=0, text/html")], "POST", (406, "NotAcceptableException", "The answer is application/cbor; Accept refuses it.")),
        (PATH, [], "GET", (405, "UnknownOperationException", "Only POST is supported.")),
        (f"/service/{PREFIX}/operation/Nope", [], "POST", (400, "UnknownOperationException", f"The path names no operation; expected /service/{PREFIX}/operation/<Operation>.")),
        ("/service/Other/operation/PutWidget", [], "POST", (400, "UnknownOperationException", f"The path names no operation; expected /service/{PREFIX}/operation/<Operation>.")),
    ],
    ids=["smithy-protocol", "content-type", "accept", "accept-q0", "method", "operation", "service"],
)
def test_cbor_protocol_refusals(path: str, extra: list[tuple[bytes, bytes]], method: str, expected: tuple[int, str, str]) -> None:
    names = {name for name, _ in extra}
    headers = [h for h in CBOR_HEADERS if h[0] not in names] + extra
    assert cbor_error(call(both(), method=method, path=path, headers=headers, chunks=[cbor2.dumps({"widgetId": "w"})])) == expected


def test_missing_accept_and_content_type_on_an_empty_body_are_fine() -> None:
    answer = call(both(), path=PATH, headers=[(b"smithy-protocol", b"rpc-v2-cbor")], chunks=[b""])
    assert cbor_error(answer)[:2] == (400, "ValidationException")  # read as {}: widgetId is missing
    assert call(both(), path=f"/prefix{PATH}", headers=CBOR_HEADERS, chunks=[cbor2.dumps({"widgetId": "w"})]).status == 200


def test_a_malformed_cbor_request_is_a_400_in_cbor() -> None:
    answer = call(both(), path=PATH, headers=CBOR_HEADERS, chunks=[bytes.fromhex("a2616101616102")])
    assert cbor_error(answer) == (400, "SerializationException", "The request body is not valid CBOR: the map key at byte 4 repeats a key of its map.")


def test_what_no_protocol_claims_is_answered_in_the_first() -> None:
    assert call(both(), path="/elsewhere", headers=[], chunks=[b""]).error == (404, "UnknownOperationException", "Requests go to the path /.")
    only_cbor = app(RpcV2CborServer(PREFIX))
    assert cbor_error(call(only_cbor, path="/", headers=JSON_HEADERS, chunks=[b"{}"])) == (
        404,
        "UnknownOperationException",
        f"Requests go to [prefix]/service/{PREFIX}/operation/<Operation>.",
    )


def test_the_client_side_names_the_route_and_reads_errors() -> None:
    client = RpcV2CborClient(PREFIX)
    assert client.request_path("/", "PutWidget") == PATH and client.request_path("/base/", "PutWidget") == f"/base{PATH}"
    assert client.request_headers("PutWidget") == {"Content-Type": "application/cbor", "Accept": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor"}

    def answer(body: bytes, headers: dict[str, str] | None = None) -> Response:
        message = Message()
        for name, value in (headers or {"Content-Type": "application/cbor"}).items():
            message[name] = value
        return Response(400, "Bad Request", message, body)

    assert client.error_code(answer(cbor2.dumps({"__type": "aws.protocoltests#FooError:http://x", "message": "m"}))) == ("FooError", "m")
    assert client.error_code(answer(cbor2.dumps({"__type": "Bar", "Message": "M"}))) == ("Bar", "M")
    code, message = client.error_code(answer(b"<html>nope</html>", {"Content-Type": "text/html"}))
    assert code == "" and message == "Bad Request (HTTP 400); the error body is not CBOR (text/html): '<html>nope</html>'"
