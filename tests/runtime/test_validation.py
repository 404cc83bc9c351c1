"""templates/runtime/validation.py, directly: AWS's messages, how values are echoed, the type
checks, canonical base64, and the choice of an operation's validator."""

from __future__ import annotations

import base64
import math
import re
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime import validation as v

from generator import base64_pattern
from generator.kinds.number import java_number


def test_the_message_counts_every_violation_and_lists_ten() -> None:
    found = [v.Violation(f"p{i}", f"m{i}") for i in range(12)]
    message = v.format_message(found)
    assert message.startswith("12 validation errors detected: m0; m1;")
    assert message.endswith("; m9") and "m10" not in message
    assert v.format_message(found[:1]) == "1 validation error detected: m0"
    error = v.ValidationFailedError(found[:2])
    assert isinstance(error, ValueError) and str(error) == "2 validation errors detected: m0; m1" and error.violations == found[:2]


def test_violations_echo_values_as_java_prints_them_and_never_a_sensitive_one() -> None:
    out: list[v.Violation] = []
    v.violation(out, "a.b", {"k": [1, True, None, "x"]}, "Member must be good", False)
    v.violation(out, "secret", "hunter2", "Member must be good", True)
    assert [x.message for x in out] == [
        "Value '{k=[1, true, null, x]}' at 'a.b' failed to satisfy constraint: Member must be good",
        "Value at 'secret' failed to satisfy constraint: Member must be good",
    ]
    assert all(x.kind == "constraint" for x in out)


# Java 25's Double.toString on each double (given by its bits): plain from 10^-3 to below 10^7
# with a digit after the point, else d.ddE-n; the fewest digits that read back, two rather than
# one when two are closer (4.9E-324, not 5.0E-324).
JAVA_DOUBLES = [
    ("0000000000000000", "0.0"),
    ("8000000000000000", "-0.0"),
    ("7ff8000000000000", "NaN"),
    ("7ff0000000000000", "Infinity"),
    ("fff0000000000000", "-Infinity"),
    ("3f50624dd2f1a9fc", "0.001"),
    ("3f50624dd2f1a9fb", "9.999999999999998E-4"),
    ("3f50624dd2f1a9fd", "0.0010000000000000002"),
    ("416312d000000000", "1.0E7"),
    ("416312cfffffffff", "9999999.999999998"),
    ("3f1a36e2eb1c432d", "1.0E-4"),
    ("3eae32f0ee144531", "9.0E-7"),
    ("0000000000000001", "4.9E-324"),
    ("0000000000000002", "9.9E-324"),
    ("0010000000000000", "2.2250738585072014E-308"),
    ("7fefffffffffffff", "1.7976931348623157E308"),
    ("3ff0000000000000", "1.0"),
    ("4059000000000000", "100.0"),
    ("3fb999999999999a", "0.1"),
    ("3fd3333333333334", "0.30000000000000004"),
    ("3fd5555555555555", "0.3333333333333333"),
    ("3f60624dd2f1a9fc", "0.002"),
    ("44b52d02c7e14af6", "1.0E23"),
    ("419d6f3454000000", "1.23456789E8"),
    ("bde49da7e361ce4c", "-1.5E-10"),
    ("4011666666666666", "4.35"),
    ("4341c37937e08000", "1.0E16"),
    ("41678c29dccccccd", "1.23456789E7"),
    ("3f5426fe718a86d7", "0.00123"),
    ("c16312cfe0000000", "-9999999.0"),
    ("43e0000000000000", "9.223372036854776E18"),
    ("f2a74de452e6b438", "-1.989032661366619E244"),
    ("36f675cc81e74ef5", "6.294675241195386E-44"),
    ("bf10fed176ed3b8b", "-6.483224363516679E-5"),
    ("c0f2b09d7e0ef18f", "-76553.84327597007"),
    ("3f46f0068db8bac7", "7.0E-4"),
]


@pytest.mark.parametrize(("bits", "java"), JAVA_DOUBLES)
def test_doubles_are_echoed_as_javas_double_to_string(bits: str, java: str) -> None:
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert v.show(value) == java
    out: list[v.Violation] = []
    v.violation(out, "n", value, "Member must be good", False)
    assert out[0].message == f"Value '{java}' at 'n' failed to satisfy constraint: Member must be good"
    assert java_number(value) == java  # a bound in AWS's phrase is printed the same way


def test_a_collection_of_doubles_is_echoed_as_java_holds_it() -> None:
    assert v.show(v.numbers_shown([1, 2.5, 9e-07, "NaN"])) == "[1.0, 2.5, 9.0E-7, NaN]"
    assert v.show(v.numbers_shown({"a": 3, "b": 1e21})) == "{a=3.0, b=1.0E21}"
    assert v.show([1, True, 1.0]) == "[1, true, 1.0]"  # whole numbers of other shapes stay whole


def test_an_echo_is_cut_at_its_limit_however_large_or_deep_the_value() -> None:
    assert v.show("x" * 5000) == "x" * v.MAX_ECHOED_CHARS + "..."
    deep: object = "end"
    for _ in range(1000):
        deep = [deep]
    shown = v.show(deep)
    assert len(shown) <= v.MAX_ECHOED_CHARS + 3 and shown.startswith("[[[") and "..." in shown
    assert v.show(["a" * 600, "b" * 600]) == "[" + "a" * 600 + ", " + "b" * (v.MAX_ECHOED_CHARS - 603) + "..."


def test_type_problems_name_the_json_type_found() -> None:
    out: list[v.Violation] = []
    for value in (None, True, 1.5, "s", [], {}, object()):
        v.wrong_type(out, "x", value, "a thing")
    v.wrong_type(out, "", 1, "an object")
    v.null(out, "y")
    assert [x.message for x in out[:6]] == [f"Unexpected {t} at 'x': expected a thing" for t in ("null", "boolean", "number", "string", "array", "object")]
    assert out[6].message == "Unexpected object at 'x': expected a thing"
    assert out[7].message == "Unexpected number at the top level: expected an object"
    assert out[8].message == "Value null at 'y' failed to satisfy constraint: Member must not be null"
    assert [x.kind for x in out] == ["type"] * 8 + ["constraint"]


@pytest.mark.parametrize(
    ("value", "read", "problem"),
    [
        (5, 5, None),
        (5.0, 5, None),
        (2**31, None, "Number at 'n' is out of range: expected a 32-bit integer"),
        (5.5, None, "Unexpected number at 'n': expected a 32-bit integer"),
        (True, None, "Unexpected boolean at 'n': expected a 32-bit integer"),
        ("5", None, "Unexpected string at 'n': expected a 32-bit integer"),
    ],
)
def test_whole_numbers_are_read_within_their_range(value: object, read: int | None, problem: str | None) -> None:
    out: list[v.Violation] = []
    assert v.whole_number(out, "n", value, -(2**31), 2**31 - 1, "a 32-bit integer") == read
    assert [x.message for x in out] == ([problem] if problem else [])
    assert v.is_whole(value, -(2**31), 2**31 - 1) is (read is not None)


@pytest.mark.parametrize("value", [True, "1", None, "nan", "inf", "Inf", "-infinity", " NaN", [1.0]])
def test_numbers_are_not_booleans_or_other_text(value: object) -> None:
    out: list[v.Violation] = []
    assert not v.is_number(value)
    assert v.number(out, "f", value, "a number") is None and len(out) == 1
    assert v.number(out, "f", 2, "a number") == 2.0 and v.number(out, "f", 0.5, "a number") == 0.5


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, "NaN", "Infinity", "-Infinity"])
def test_nan_and_the_infinities_are_numbers_as_floats_and_as_aws_json_texts(value: object) -> None:
    out: list[v.Violation] = []
    assert v.is_number(value)
    read = v.number(out, "f", value, "a number")
    assert out == [] and type(read) is float and not math.isfinite(read)
    assert (math.isnan(read) and value in (math.nan, "NaN")) or read == float(value)  # type: ignore[arg-type]


def test_the_base64_alphabet_and_padding_rules_are_the_generators() -> None:
    assert v._BASE64_ALPHABET == base64_pattern.ALPHABET
    assert (v._BEFORE_TWO_PADS, v._BEFORE_ONE_PAD) == (base64_pattern.BEFORE_TWO_PADS, base64_pattern.BEFORE_ONE_PAD)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=20).map(lambda b: base64.b64encode(b).decode()), st.text(alphabet="AQgw=+/a0 -_\n", max_size=12)))
def test_base64_length_agrees_with_the_exported_pattern(text: str) -> None:
    canonical = re.fullmatch(base64_pattern.body(None, None), text) is not None
    size = v.base64_length(text)
    assert (size >= 0) is canonical
    if canonical:
        assert size == len(base64.b64decode(text, validate=True))


def test_blobs_are_shown_as_java_byte_buffers() -> None:
    out: list[v.Violation] = []
    v.not_base64(out, "photo")
    assert out[0].message == "Invalid base64 at 'photo': expected a base64 string (standard alphabet, padded)" and out[0].kind == "type"
    assert v.byte_buffer(3) == "java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]"
    assert v.blobs_shown(["aGk=", "bad"]) == [v.byte_buffer(2), "bad"]
    assert v.blobs_shown({"k": "aGVsbG8="}) == {"k": v.byte_buffer(5)}


def test_the_models_blob_check_counts_decoded_bytes() -> None:
    check = v.blob_bytes(2, 3)
    assert check("aGk=") == b"hi" and check(b"hi") == b"hi" and check(bytearray(b"hi!")) == b"hi!"
    for value, reason in (("aGk", "not canonical"), ("aA==", "at least 2"), ("aGVsbG8=", "at most 3"), (b"hello", "at most 3"), (5, "expected bytes")):
        with pytest.raises(ValueError, match=reason):
            check(value)
    assert v.blob_text(b"\xfb\xff") == "+/8="


def test_timestamps_read_and_write_each_wire_format() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    when = datetime(2014, 4, 29, 18, 30, 38, tzinfo=UTC)
    forms = {"unixTimestamp": 1398796238, "iso8601": "2014-04-29T18:30:38Z", "rfc822": "Tue, 29 Apr 2014 18:30:38 GMT"}
    for name, wire in forms.items():
        assert v.timestamp_from(wire, name) == when
        assert v.timestamp_value(name)(wire) == when
        assert v.timestamp_wire(name)(when) == wire
        assert v.timestamp_wire(name)(when.astimezone(timezone(timedelta(hours=-7)))) == wire
        others = [other for key, other in forms.items() if key != name]
        assert all(v.timestamp_from(other, name) is None for other in others)
    assert v.timestamp_from("2014-04-29T20:30:38.5+02:00", "iso8601") == when + timedelta(milliseconds=500)
    assert v.timestamp_from(v.LATEST_EPOCH + 1, "unixTimestamp") is None and v.timestamp_from(True, "unixTimestamp") is None
    assert v.timestamp_value("iso8601")(datetime(2014, 4, 29, 18, 30, 38)) == when  # a naive datetime is UTC
    with pytest.raises(ValueError, match="iso8601"):
        v.timestamp_value("iso8601")("2014-04-29")


def test_an_operation_is_named_unless_it_is_the_only_one() -> None:
    def one(obj: object) -> list[v.Violation]:
        return []

    assert v.validator_for({"A": one}, None) is one and v.validator_for({"A": one, "B": one}, "B") is one
    with pytest.raises(ValueError, match=r"several operations; name one of \['A', 'B'\]"):
        v.validator_for({"A": one, "B": one}, None)
    with pytest.raises(ValueError, match=r"unknown operation 'C'; expected one of \['A'\]"):
        v.validator_for({"A": one}, "C")


@pytest.mark.parametrize(("number", "read"), [(10**400, math.inf), (-(10**400), -math.inf), (2**53 + 1, 2.0**53), ("NaN", math.nan), (3, 3.0)])
def test_a_number_is_read_as_java_reads_a_double(number: int | str, read: float) -> None:
    """An integer too large for a double reads as an infinity, as Java's parser reads it
    (float() raises OverflowError); the validators and the client's reader both use this."""
    from runtime.reader import as_number

    for value in (v.double_value(number), as_number(number, "path")):
        assert value == read or (math.isnan(read) and math.isnan(value))
    out: list[v.Violation] = []
    assert v.number(out, "p", number, "a number") == read or math.isnan(read)
    assert out == []
