"""AWS (Java) patterns rewritten for Python, JSON Schema engines and pydantic-core alike.

The verdicts must agree: Python's `re.fullmatch` (with re.ASCII, as the validators use it),
`re.search` on the JSON Schema form (as jsonschema uses it, without flags), and the pydantic
models' Rust engine on its own form. Classes are ASCII, the whole value must match, and a
trailing newline is not forgiven.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from functools import cache
from typing import Annotated, Any

import pydantic
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.kinds import PATTERN_KEYWORD, kind_named, kind_of
from generator.patterns import Pattern, PatternError, translate

from ..conftest import ROOT, SPEC

sys.path.insert(0, str(ROOT / "templates"))  # the runtime modules, where they live
from runtime.validation import LinearPattern, matching

DOT = "[^\n\r\u0085\u2028\u2029]"

TRANSLATIONS = [
    (r"[0-9A-Za-z_-]+", "[0-9A-Za-z_-]+"),
    (r"\d{12}", "[0-9]{12}"),
    (r"\w+", "[A-Za-z0-9_]+"),
    (r"[\w-]+", "[A-Za-z0-9_-]+"),
    (r"\s", "[ \t\n\x0b\f\r]"),
    (r"\D\W\S", "[^0-9][^A-Za-z0-9_][^ \t\n\x0b\f\r]"),
    (r"a.b", f"a{DOT}b"),
    (r"[A-Za-z0-9.@\-_]+", r"[A-Za-z0-9.@\-_]+"),
    (r"a{2,3}b{4}c{5,}", "a{2,3}b{4}c{5,}"),
    (r"{x}", r"\{x\}"),
    (r"\u0041\x42", "AB"),
    (r"\x2A\u002e", r"\*\."),
    (r"[\u0020-\u007E]", "[ -~]"),
    (r"\x{1F600}", "\U0001f600"),
    (r"\uD83D\uDE00", "\U0001f600"),
    (r"[\uD800\uDC00-\uDBFF\uDFFF]", "[\U00010000-\U0010ffff]"),
    (r"\t\n\r", r"\t\n\r"),
    (r"(?:ab)+", "(?:ab)+"),
    (
        r"arn:aws(-[\w]+)*:codepipeline:.+:[0-9]{12}:.+",
        f"arn:aws(-[A-Za-z0-9_]+)*:codepipeline:{DOT}+:[0-9]{{12}}:{DOT}+",
    ),
    # Java's dialect: POSIX classes as their ASCII ranges, classes that need sets written out,
    # inline flags rewritten, \A and a final \z as anchors.
    (r"\p{ASCII}*", r"[\u0000-\u007f]*"),
    (r"\p{Print}+", "[ -~]+"),
    (r"\p{Alnum}\p{Punct}", r"[0-9A-Za-z][!-/:-@\[-`{-~]"),
    (r"(?i)ab[c-d]", "[Aa][Bb][CDcd]"),
    (r"(?i:x)y", "(?:[Xx])y"),
    (r"[\s\S]*", r"[\s\S]*"),
    (r"[\S]+", r"[^\u0009-\u000d ]+"),
    (r"[\s\S]a|b", r"[\s\S]a|b"),
    (r"(?s).{0,3}", r"[\s\S]{0,3}"),
    (r"[\w-\/]+", r"[\-/-9A-Z_a-z]+"),
    (r"\Asnap\z", "^snap$"),
    # Java's nested classes (a union) and intersections, written as the one class they make.
    ("[a-c[x-z]]", "[a-cx-z]"),
    ("[a-z&&[^aeiou]]", "[b-df-hj-np-tv-z]"),
    ("[a-z&&b]", "[b]"),
    ("[^a-z&&[^aeiou]]", "[^b-df-hj-np-tv-z]"),
    (r"[\p{Print}&&[^|:/]]+", "[ -.0-9;-{}~]+"),
    # An exact count of one character: the possessive form matches as the plain one.
    ("a{2}+", "a{2}"),
    (r"\d{12}+:[0-9A-Z]{2}+", "[0-9]{12}:[0-9A-Z]{2}"),
    # Java's octal escapes.
    (r"\0101\07", "A\x07"),
    (r"[^/:|\000-\037]+", "[^/:|\x00-\x1f]+"),
    # Java repeats an anchor: once is any number of times; no times matches anywhere.
    (r"[a-z]*${1,128}", "[a-z]*$"),
    (r"a${0,3}b", "ab"),
]

REJECTIONS = [
    ("[a-z", "unterminated character class"),
    ("([a-z]+", "does not compile"),
    ("abc\\", "lone backslash"),
    ("[]a]", "cannot be empty"),
    ("(?<name>a)", "named groups and other '(?' constructs are not portable"),
    ("(?x)a b", "inline flags other than i and s are not supported"),
    (r"\p{Greek}", r"character property \p{Greek} is not supported"),
    (r"\p{L", r"escape \p{ needs a closing '}'"),
    (r"[\b]", r"escape \b is not supported"),
    # A catastrophic repeat with lookarounds no split into linear-time patterns removes: one
    # after the start, a negative one, a `$` before a lookahead's end, a lookaround or a
    # back-reference in a part.
    ("(a+)+(?=b)b", "and it uses lookarounds or back-references, which no linear-time engine runs"),
    ("(?!b)(a+)+b", "and it uses lookarounds or back-references, which no linear-time engine runs"),
    ("(?=a$|b)(a+)+", "and it uses lookarounds or back-references, which no linear-time engine runs"),
    ("(?=a$b)(a+)+", "and it uses lookarounds or back-references, which no linear-time engine runs"),
    ("(?=(?!b)a)(a+)+", "and it uses lookarounds or back-references, which no linear-time engine runs"),
    (r"(?=a)(a+)+\1", "and it uses lookarounds or back-references, which no linear-time engine runs"),
    (r"\x4", "needs 2 hex digits"),
    (r"\u12G4", "needs 4 hex digits"),
    (r"\x{110000}", "1 to 6 hex digits"),
    (r"\uD800", "half of a UTF-16 surrogate pair"),
    (r"\uDC00\uD800", "half of a UTF-16 surrogate pair"),
    ("a*+b", "possessive quantifiers"),
    ("(?:ab)++", "possessive quantifiers"),
    ("(a|ab){2}+", "possessive quantifiers"),  # the group's own choices would not be retried
    ("[a&&]", "an operand of a class intersection (&&) is empty"),
    ("[&&a]", "an operand of a class intersection (&&) is empty"),
    (r"\09", "needs 1 to 3 octal digits"),
    ("[a[b]", "unterminated character class"),
]

# Repeats whose rounds can split a value many ways: Python's `re` (and ECMAScript) would take
# exponential time on a near miss, so the validators match these with a linear-time engine.
LINEAR = [
    "(a+)+",
    "(a*)*",
    "([a-z]*)*x",
    "(a+|b)+",
    "(x[a-z]+)+",
    r"(.*\s?)*",
    r"[a-zA-Z](?:-?[a-zA-Z0-9]+)*",
    "((a+)b?)+",
    "(a+){4,}",
    "(a|a)*b",
    r"(\d|[0-9a-f])+",
    "(?:ab|ac)+",
    r"^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$",  # ECR's
    r"(\.(a|[a-z]))*",  # the alternatives can match the same run
    r"(a|aa)+",  # a run of a's splits as many ways as it has compositions
    r"(a|a){40}",  # few rounds, but 2^40 paths
]

# Repeats whose rounds split a value only one way: a separator the stretching part can't match,
# fixed-width rounds, or few rounds. AWS models are full of these.
SAFE = [
    r"(-[\w]+)*",
    r"([a-z0-9-]+\.)+[a-z]+",
    r"([0-9]{1,3}\.){3}[0-9]{1,3}",
    r"([0-9a-f]{16})+",
    r"(?:[A-Za-z0-9_.~-]+/){0,10}[A-Za-z0-9_.~-]+",
    r"([a-z]+-){2,3}\d+",
    r"(ab|cd)+",
    r"(-[a-z]+|_[0-9]+)*",
    r"(?:[a-z]|[A-Z])+",
    r"(a+){2,3}",
    # Alternatives alike at the start, but each must run to the next `.` and no two are as long.
    r"(\.([a-z][a-z-]{0,61}[a-z]|[a-z]))*",
    r"(x(a|aa))+",
    # A few rounds with few paths through them, however long the value (AWS's IPv4 patterns).
    r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}",
    r"^((25[0-5]|(2[0-4]|1[0-9]|[1-9]|)[0-9])(\.(?!$)|$)){4}",
    r"(a|b|ab){6}",
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
]


@pytest.mark.parametrize(("source", "body"), [t for t in TRANSLATIONS if t[1] is not None])
def test_translation(source: str, body: str) -> None:
    pattern = translate(source)
    assert pattern.source == source
    assert pattern.body == body
    assert pattern.python == body
    assert pattern.json_schema == f"^(?:{body})(?![\\s\\S])"
    assert pattern.rust == f"^(?:{body})$"


@pytest.mark.parametrize(("source", "fragment"), REJECTIONS)
def test_rejection(source: str, fragment: str) -> None:
    with pytest.raises(PatternError, match=re.escape(fragment)):
        translate(source)


@pytest.mark.parametrize("source", SAFE)
def test_unambiguous_repeats_are_accepted(source: str) -> None:
    assert not translate(source).linear


@pytest.mark.parametrize("source", LINEAR)
def test_ambiguous_repeats_are_matched_in_linear_time(source: str) -> None:
    assert translate(source).linear


def test_every_pattern_in_the_spec_translates() -> None:
    shapes = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["shapes"]
    patterns = [shape["pattern"] for shape in shapes.values() if "pattern" in shape]
    assert patterns
    for source in patterns:
        translate(source)


@cache
def rust(pattern: Pattern) -> pydantic.TypeAdapter[str]:
    """What the models check: pydantic-core's engine, or for a pattern with lookarounds or
    back-references the validators' Python pattern (templates/runtime/validation.py); a
    pattern split into several for pydantic-core's engine, all of them."""
    if pattern.backtracking:
        return pydantic.TypeAdapter(Annotated[str, pydantic.AfterValidator(matching(pattern.python))])
    if pattern.conjuncts:
        return pydantic.TypeAdapter(Annotated[str, pydantic.AfterValidator(LinearPattern(*pattern.linear_forms).matched)])
    return pydantic.TypeAdapter(Annotated[str, pydantic.StringConstraints(pattern=pattern.rust)])


def verdicts(pattern: Pattern, value: str) -> tuple[bool, bool, bool]:
    python = re.compile(pattern.python, re.ASCII).fullmatch(value) is not None
    json_schema = re.search(pattern.json_schema, value) is not None
    try:
        rust(pattern).validate_python(value)
        pydantic_core = True
    except pydantic.ValidationError:
        pydantic_core = False
    return python, json_schema, pydantic_core


EMR_TEXT = r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDBFF-\uDC00\uDFFF\r\n\t]*"

ASCII_CASES = [
    (r"\w+", "abc_123", True),
    (r"\w+", "café", False),  # é is a word character to Unicode engines
    (r"\d+", "0123456789", True),
    (r"\d+", "١٢٣", False),  # Arabic-Indic digits
    (r"\d+", "１２", False),  # full-width digits
    (r"\s", " ", True),
    (r"\s", "\u00a0", False),  # no-break space
    (r"\s", "\u2003", False),  # em space
    (r"[\w-]+", "ﬁle", False),  # a ligature
    (r"a.c", "abc", True),
    (r"a.c", "a\nc", False),
    (r"a.c", "a\u2028c", False),  # Java's `.` stops at Unicode line terminators too
    (r"a.c", "a\u00e9c", True),
    (r"[a-z]+", "abc\n", False),  # `$` would forgive the trailing newline
    (r"[a-z]+", "\nabc", False),
    (r"[a-z]+", "ABC", False),
    (r"[a-z]+", "abcD", False),  # whole value, not a prefix
    (r"[a-z]+", "Dabc", False),  # whole value, not a suffix
    (r"a|b", "ab", False),  # the alternation is grouped before anchoring
    (r"a|b", "b", True),
    (r"\u00e9+", "éé", True),
    (r"[\u0020-\u007E]+", "hello world~", True),
    (r"[\u0020-\u007E]+", "tab\there", False),
    (r"\uD83D\uDE00", "\U0001f600", True),
    # Java's \p{..}: Unicode general categories, POSIX classes in ASCII.
    (r"\p{L}+", "café", True),
    (r"\p{L}+", "ﬁ\u0663", False),
    (r"\p{N}", "\u0663", True),
    (r"\p{Z}", "\u00a0", True),
    (r"\p{Z}", "\t", False),
    (r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "Projet été 2024 - ünïcode", True),
    (r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "tag!", False),
    (r"\P{M}+", "e\u0301", False),
    (r"\p{Print}+", "é", False),
    (r"\p{ASCII}*", "\x00~\x7f", True),
    (r"\p{ASCII}*", "\x80", False),
    (r"[\s\S]*", "a\n\u2028\U0001f600", True),
    (r"[\s\S]*\S[\s\S]*", " \t\n", False),
    (r"[\s\S]*\S[\s\S]*", " \u00a0 ", True),  # \S is ASCII: a no-break space is not white
    (r"(?i)all|[0-9]{12}", "AlL", True),
    (r"(?i)all|[0-9]{12}", "\u212a", False),  # Java's (?i) is ASCII: no Kelvin sign
    (r"(?i)[a-c]+", "AbC", True),
    (r"(?s).{2}", "\n\r", True),
    (r"\Asnap\z", "snap", True),
    # Lookarounds (Python's re and ECMAScript run them; the models use the validators' re).
    (r"^(?!\s*$).+", "  ", False),
    (r"^(?!\s*$).+", " a ", True),
    (r"^(?!\s*$).+", "", False),
    (r"^(?![0-9_])\w+$|^_\w*[a-zA-Z0-9]\w*$", "9lives", False),
    (r"^(?![0-9_])\w+$|^_\w*[a-zA-Z0-9]\w*$", "_x", True),
    (r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$", "12345", False),
    (r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$", "123a5", True),
    (r"^(?!(.*[.\/\\]|aws:)).*$", "aws:x", False),
    (r"^(?!(.*[.\/\\]|aws:)).*$", "my_catalog", True),
    (r"[a-z]+(?<!-)", "abc", True),
    (r"(-?)\d{2}\1\d{2}", "-12-34", True),  # a back-reference
    (r"(-?)\d{2}\1\d{2}", "-1234", False),
    (r"(-?)\d{2}\1\d{2}", "12-34", False),
    (r"\bab\b", "ab", True),  # Java's \b: ASCII word characters, as \w
    (r"[a-z]+\b-", "ab-", True),
    (r"[a-z]+\B[a-z]", "abc", True),
    (r"\d{4}(?!\d{2}\b)[0-9]*", "123456", False),
    (r"\d{4}(?!\d{2}\b)[0-9]*", "1234567", True),
    # Nested classes and intersections; octal escapes; an exact possessive count.
    (r"[\p{Print}&&[^|:/]]+", "ab c~", True),
    (r"[\p{Print}&&[^|:/]]+", "a|b", False),
    (r"[\p{Print}&&[^|:/]]+", "é", False),
    (r"[a-c[x-z]]+", "axz", True),
    (r"[a-c[x-z]]+", "ad", False),
    (r"[^a-z&&[^aeiou]]", "a", True),
    (r"[^a-z&&[^aeiou]]", "A", True),
    (r"[^a-z&&[^aeiou]]", "b", False),
    (r"[^/:|\000-\037]+", "ab", True),
    (r"[^/:|\000-\037]+", "a\x01", False),
    (r"[^/:|\000-\037]+", "a\x00", False),
    (r"\0101\d{2}+", "A12", True),
    (r"\0101\d{2}+", "A1", False),
    # EMR's class names single surrogates: a lone one in the value is matched as Java does.
    (EMR_TEXT, "tab\tand\nnewline", True),
    (EMR_TEXT, "\ud800", True),
    (EMR_TEXT, "\udfff", True),
    (EMR_TEXT, "\ud801", False),
    (EMR_TEXT, "\U0001f600", False),  # a pair of surrogates is one character, outside the set
    (EMR_TEXT, "\x00", False),
    # Bounded repeats with few paths (SageMaker's and Storage Gateway's IPv4 patterns), Java's
    # repeated `$` (SageMaker's `${1,128}`), Cloud Map's labels.
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "10.0.255.1", True),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "10.0.255.1.", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "256.0.0.1", False),
    (r"^((25[0-5]|(2[0-4]|1[0-9]|[1-9]|)[0-9])(\.(?!$)|$)){4}", "192.168.0.1", True),
    (r"^((25[0-5]|(2[0-4]|1[0-9]|[1-9]|)[0-9])(\.(?!$)|$)){4}", "192.168.0.", False),
    (r"([\p{L}\p{N}_.:/=+\-@]*)${1,128}", "key:été", True),
    (r"([\p{L}\p{N}_.:/=+\-@]*)${1,128}", "key!", False),
    (r"a${0,2}b", "ab", True),
    (r"(\.([a-z][a-z-]{0,61}[a-z]|[a-z]))*", ".a.bc-d.e", True),
    (r"(\.([a-z][a-z-]{0,61}[a-z]|[a-z]))*", ".a..b", False),
    (r"(\.([a-z][a-z-]{0,61}[a-z]|[a-z]))*", ".a-", False),
]


# Partner Central Selling's two patterns, and Java 25's `Pattern.matches` on values for them
# (`.{1,80}` counts code points: an emoji is one; a final line terminator passes the lookahead
# but not the rest).
PCS_EMAIL = "(?=.{1,80}$)[a-zA-Z0-9.!#$%&'*+/=?^_{|}~-]+@[a-zA-Z0-9-]+(?:.[a-zA-Z0-9-]+)*"
PCS_URL = "(?=.{4,255}$)((http|https)://)??(www[.])??([a-zA-Z0-9]|-)+?([.][a-zA-Z0-9(-|/|=|?)??]+?)+?"
PCS_EMAIL_VERDICTS = [
    ("a@b", True),
    ("john.doe+x@example.com", True),
    ("", False),
    ("a@", False),
    ("@b", False),
    ("a" * 70 + "@" + "b" * 9, True),
    ("a" * 70 + "@" + "b" * 10, False),
    ("a@b\n", False),
    ("a@b\r\n", False),
    ("a@b.c", True),
    ("a@b..c", False),
    ("a@b c", True),
    ("a@b\u00e9", False),
    ("a@b\u00e9c", True),
    ("a@b" + "\U0001f600c" * 38 + "c", True),
    ("a@b" + "\U0001f600c" * 39, False),
    ("a@b\nc", False),
    ("a@b.c.", False),
]
PCS_URL_VERDICTS = [
    ("example.com", True),
    ("https://www.example.com", True),
    ("a.b", False),
    ("ab.c", True),
    ("http://x", False),
    ("x" * 250 + ".com", True),
    ("x" * 252 + ".com", False),
    ("example.com/path", True),
    ("ex-ample.c=m?", True),
    ("example", False),
    ("example.com\n", False),
    ("ftp://example.com", False),
    ("www.-.-", True),
]

# Java 25's `Pattern.matches` on each: word boundaries inside repeats that may backtrack
# catastrophically (SageMaker's IP address patterns; the linear engine runs them with its own
# ASCII `\b`), and zero-width assertions under a repeat (SageMaker's `${1,128}`: Java repeats
# them like atoms, so one round or more is the assertion, and a repeat that allows none drops it).
JAVA_VERDICTS = [
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-10-0-0-1.ec2", True),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-10-0-0-1-.ec2", False),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-255-255-255-255.x", True),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-256-0-0-1.x", False),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-1-2-3-4.", True),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-1234.x", False),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-1-2-3.x", False),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-01-2-3-4.x", False),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-1-2-3-4x.y", False),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-1-2-3-4.\n", False),
    (r"ip-((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)-?\b){4}\..*", "ip-1-2-3-4", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "10.0.0.1", True),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "10.0.0.1.", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "1000", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "255.255.255.255", True),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "1.2.3", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "1.2.3.4.5", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "01.2.3.4", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "1.2.3.4\n", False),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "192.168.1.100", True),
    (r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b){4}", "1..2.3", False),
    (r"([a-z]+\b\.?)+", "abc", True),
    (r"([a-z]+\b\.?)+", "abc.", True),
    (r"([a-z]+\b\.?)+", "abc.def", True),
    (r"([a-z]+\b\.?)+", "abc.def.", True),
    (r"([a-z]+\b\.?)+", "a.b.c", True),
    (r"([a-z]+\b\.?)+", "", False),
    (r"([a-z]+\b\.?)+", ".", False),
    (r"([a-z]+\b\.?)+", "ab..c", False),
    (r"([a-z]+\b\.?)+", "abcé", False),
    (r"([a-z]+\b\.?)+", "a1", False),
    (r"(a|ab)+\B.", "aa", True),
    (r"(a|ab)+\B.", "aab", True),
    (r"(a|ab)+\B.", "ab.", False),
    (r"(a|ab)+\B.", "abab-", False),
    (r"(a|ab)+\B.", "a", False),
    (r"(a|ab)+\B.", "aba", True),
    (r"(a|ab)+\B.", "abx", True),
    (r"(a|ab)+\B.", "abé", False),
    (r"(?:[0-9]+\b-?)+x", "1x", False),
    (r"(?:[0-9]+\b-?)+x", "1-x", True),
    (r"(?:[0-9]+\b-?)+x", "12-34-x", True),
    (r"(?:[0-9]+\b-?)+x", "12-34x", False),
    (r"(?:[0-9]+\b-?)+x", "x", False),
    (r"(?:[0-9]+\b-?)+x", "1-2-3-4-5-6-7-8-9-x", True),
    (r"(?:[0-9]+\b-?)+x", "1--x", False),
    (r"(?:[0-9]+\b-?)+x", "-x", False),
    (r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}", "", True),
    (r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}", "abc", True),
    (r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}", "abc\n", False),
    (r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}", "ab c:d", True),
    (r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}", "x#", False),
    (r"([\p{L}\p{Z}\p{N}_.:\/=+\-@]*)${1,128}", "Projet été 2024", True),
    (r"a$?b", "ab", True),
    (r"a$?b", "a", False),
    (r"a$?b", "b", False),
    (r"\b*a", "a", True),
    (r"\b*a", "", False),
    (r"a\b+", "a", True),
    (r"a\b+", "", False),
    (r"a\b+b", "ab", False),
    (r"^{2}a", "a", True),
    (r"a\z{3}", "a", True),
    (r"a\z{3}", "a\n", False),
    (r"a\Z{3}", "a", True),
    (r"a\Z{3}", "a\n", False),
    (r"a\B{0}b", "ab", True),
    (r"ab\B{1,}c", "abc", True),
    # Catastrophic repeats behind leading lookaheads (Partner Central Selling's two, then more
    # forms): the lookaheads' bodies and the rest are patterns the linear engine runs together.
    *[(PCS_EMAIL, value, expected) for value, expected in PCS_EMAIL_VERDICTS],
    *[(PCS_URL, value, expected) for value, expected in PCS_URL_VERDICTS],
    ("^(?=[a-c])(?=.{2,4}$)(a|b|ab)+", "ab", True),
    ("^(?=[a-c])(?=.{2,4}$)(a|b|ab)+", "ba", True),
    ("^(?=[a-c])(?=.{2,4}$)(a|b|ab)+", "a", False),
    ("^(?=[a-c])(?=.{2,4}$)(a|b|ab)+", "ababa", False),
    ("^(?=[a-c])(?=.{2,4}$)(a|b|ab)+", "abab", True),
    ("(?=a)(a|b|ab)+", "bab", False),
    ("(?=a)(a|b|ab)+", "abab", True),
    ("(?=[a-z]+$)(x|y|xy)*", "xyx", True),
    ("(?=[a-z]+$)(x|y|xy)*", "", False),
    ("(?=[a-z]+$)(x|y|xy)*", "xy\n", False),
    (r"(?=.*\d)(\w|\d)+", "abc1", True),
    (r"(?=.*\d)(\w|\d)+", "abc", False),
    ("(?=(?i)AB)(a|b|ab)+", "ab", True),
    ("(?=(?i)AB)(a|b|ab)+", "ba", False),
]


@pytest.mark.parametrize(("source", "value", "expected"), JAVA_VERDICTS)
def test_boundaries_in_catastrophic_repeats_and_repeated_assertions_give_javas_verdict(source: str, value: str, expected: bool) -> None:
    assert verdicts(translate(source), value) == (expected, expected, expected)


def test_word_boundaries_alone_do_not_keep_a_catastrophic_pattern_from_the_linear_engine() -> None:
    # Any number of rounds (with `{4}`, as AWS writes it, the few paths make it cheap in `re`).
    pattern = translate(r"((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b)+")
    assert pattern.linear and not pattern.backtracking
    assert "(?<" not in pattern.rust and "(?-u:\\b)" in pattern.rust
    assert LinearPattern(pattern.rust).fullmatch("10.0.0.1") and LinearPattern(pattern.rust).fullmatch("10.0.0.1.") is None
    with pytest.raises(PatternError, match="lookarounds or back-references"):
        translate(r"(?!1)((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.?\b)+")


def test_a_repeated_assertion_repeated_again_is_refused() -> None:
    with pytest.raises(PatternError, match="a repeat of a repeat"):
        translate("a$?{2}")


@pytest.mark.parametrize(("source", "value", "expected"), ASCII_CASES)
def test_ascii_whole_value_semantics_in_every_form(source: str, value: str, expected: bool) -> None:
    assert verdicts(translate(source), value) == (expected, expected, expected)


AGREEMENT_PATTERNS = [source for source, _ in TRANSLATIONS] + SAFE + [r"\w+@\w+\.com", r"[^a-c]+", r"(?:\s|x)?y"]
ALPHABET = "ab09_-.@:/xyzABC \t\n\r\x0b\f\u0085\u00a0\u00e9\u0663\u2028\u2029\U0001f600{}"


@settings(max_examples=300, deadline=None, database=None)
@given(st.sampled_from(AGREEMENT_PATTERNS), st.text(alphabet=ALPHABET, max_size=24))
def test_python_json_schema_and_rust_forms_agree(source: str, value: str) -> None:
    python, json_schema, pydantic_core = verdicts(translate(source), value)
    assert python == json_schema == pydantic_core


MATCHING = st.one_of(
    [
        st.tuples(st.just(s), st.from_regex(re.compile(translate(s).python, re.ASCII), fullmatch=True))
        for s in AGREEMENT_PATTERNS
    ]
)


@settings(max_examples=150, deadline=None, database=None)
@given(MATCHING)
def test_matching_values_match_in_every_form(case: tuple[str, str]) -> None:
    source, value = case
    assert verdicts(translate(source), value) == (True, True, True)


def test_ecmascript_unicode_mode_agrees() -> None:
    """What ajv does with a schema pattern: `new RegExp(pattern, "u").test(value)`."""
    cases = [(translate(source).json_schema, value, expected) for source, value, expected in ASCII_CASES + JAVA_VERDICTS]
    cases += [
        (translate(s).json_schema, v, re.fullmatch(translate(s).python, v, re.ASCII) is not None)
        for s in AGREEMENT_PATTERNS
        for v in NODE_VALUES
    ]
    script = (
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(cases.map(([p, v]) => new RegExp(p, 'u').test(v))));"
    )
    node = shutil.which("node")
    assert node, "Node.js is not on PATH"
    done = subprocess.run(
        [node, "-e", script], input=json.dumps(cases), capture_output=True, text=True, timeout=60, check=True
    )
    got = json.loads(done.stdout)
    wrong = [(p, v, want) for (p, v, want), verdict in zip(cases, got, strict=True) if verdict != want]
    assert not wrong


NODE_VALUES = [
    "",
    "a",
    "ab",
    "abc\n",
    "café",
    "١٢",
    "x y",
    "A-b_0",
    "a.b@c.com",
    "\u2028",
    "\U0001f600",
    "0123456789ab",
    "arn:aws:codepipeline:x:123456789012:y",
]


REGEX_PIECES = list("ab.[]()\\{}*+?|^$-,09dwsDWSxuP&:=!<>") + ["\\u00", "{2,3}", "(?:", "(?=", "[^", "\\x4"]


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(st.sampled_from(REGEX_PIECES), max_size=12).map("".join))
def test_any_source_is_translated_or_refused_with_pattern_error(source: str) -> None:
    """Nothing but PatternError escapes, and what is accepted compiles in every engine."""
    try:
        pattern = translate(source)
    except PatternError:
        return
    re.compile(pattern.python, re.ASCII)
    re.compile(pattern.json_schema)
    rust(pattern)
    if pattern.linear:
        LinearPattern(*pattern.linear_forms)


@pytest.mark.parametrize("source", LINEAR)
def test_linear_patterns_give_the_verdict_of_the_other_forms(source: str) -> None:
    """On short values (where backtracking still ends) the linear engine the validators use
    agrees with Python's re and the JSON Schema form, lone surrogates included."""
    pattern = translate(source)
    engine = LinearPattern(pattern.rust)
    for value in [
        "",
        "a",
        "aa",
        "ab",
        "aab",
        "x",
        "xab",
        "a-b",
        "a1",
        "ab*c",
        "a/b",
        "a\ud800",
        "a\ufffd",
        "ab ",
        "ba",
    ]:
        python = re.compile(pattern.python, re.ASCII).fullmatch(value) is not None
        assert (engine.fullmatch(value) is not None) == python == (re.search(pattern.json_schema, value) is not None), (
            value
        )


def test_a_hostile_value_costs_linear_time_on_a_catastrophic_pattern() -> None:
    """ECR's repository filter pattern: on `a` * n + `!` Python's re tries every split of the
    run (2^n paths: n = 30 already takes minutes). The linear engine reads the value once:
    a value of 200,000 characters is refused here at once, which no backtracking engine
    could do. No clock is read: the test would not end if the engine backtracked."""
    pattern = translate(r"^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$")
    assert pattern.linear
    engine = LinearPattern(pattern.rust)
    for size in (30, 1_000, 200_000):
        assert engine.fullmatch("a" * size + "!") is None
        assert engine.fullmatch("a" * size) is not None


@pytest.mark.parametrize("source", [PCS_EMAIL, PCS_URL])
def test_a_catastrophic_repeat_behind_a_leading_lookahead_is_checked_as_a_conjunction(source: str) -> None:
    """`(?=.{1,80}$)R` at the start of a whole-value pattern: the value's start matches the
    lookahead's body and the whole value matches R. Each is a pattern the linear-time engine
    runs; the JSON Schema form and AWS's message keep the lookahead as written."""
    pattern = translate(source)
    assert pattern.linear and not pattern.backtracking and len(pattern.linear_forms) == 2
    assert "(?=" not in "".join(pattern.linear_forms)
    assert pattern.source == source and pattern.json_schema == f"^(?:{pattern.body})(?![\\s\\S])" and pattern.body.startswith("(?=")
    common = {"name": "Checked", "kind": "string", "documentation": "", "sensitive": False, "deprecated": None}
    shape = kind_named("string").build("Checked", {"type": "string", "pattern": source}, common, {})
    assert f"Member must satisfy regular expression pattern: {source}" in [c.phrase for c in shape.constraints]
    schema: dict[str, Any] = {}
    kind_of(shape).json_schema(shape, schema, export=True)
    assert schema["pattern"] == pattern.json_schema
    schema = {}
    kind_of(shape).json_schema(shape, schema, export=False)
    # The models' check (templates/datamodel) and the validators' constant, as generated.
    model_check = eval(schema[PATTERN_KEYWORD]["check"], {"LinearPattern": LinearPattern})
    (constant,) = kind_of(shape).validator_constants(shape)
    validators_pattern = eval(constant.split(": Final = ", 1)[1], {"LinearPattern": LinearPattern})
    verdicts = PCS_EMAIL_VERDICTS if source == PCS_EMAIL else PCS_URL_VERDICTS
    for value, expected in verdicts:
        assert (validators_pattern.fullmatch(value) is not None) == expected, value
        try:
            model_check(value)
            assert expected, value
        except ValueError:
            assert not expected, value


def test_a_near_miss_behind_a_length_lookahead_is_refused_in_linear_time() -> None:
    """Within the lookahead's length, `a@` + `b` * 70 + `!` makes the rest of the email pattern
    try every split of the run (its `.` matches a `b`): about 2^70 paths for Python's re or
    Java. The URL pattern's `.` + class rounds (the class `(-|` holds `.`) split `.a` * 120 the
    same way. The linear engine reads each value once; no clock is read: the test would not
    end if it backtracked."""
    for source, near_miss, hit in (
        (PCS_EMAIL, "a@" + "b" * 70 + "!", "a@" + "b" * 70 + ".c"),
        (PCS_URL, "x" + ".a" * 120 + " ", "x" + ".a" * 120),
    ):
        pattern = translate(source)
        engine = LinearPattern(*pattern.linear_forms)
        assert engine.fullmatch(near_miss) is None
        assert engine.fullmatch(hit) is not None
        with pytest.raises(pydantic.ValidationError):
            rust(pattern).validate_python(near_miss)


def test_accepted_random_sources_compile_in_ecmascript_unicode_mode() -> None:
    """ECMAScript's `u` mode is the strictest reader (no identity escapes like `\\~`)."""
    chooser = random.Random(20240601)
    accepted = set()
    for _ in range(3000):
        source = "".join(
            chooser.choice(REGEX_PIECES + ["~", "#", "&", "\\u007E", "\\x2D", "\\u005D"])
            for _ in range(chooser.randint(1, 10))
        )
        try:
            accepted.add(translate(source).json_schema)
        except PatternError:
            continue
    assert len(accepted) > 100
    script = (
        "const ps = JSON.parse(require('fs').readFileSync(0, 'utf8')); const bad = [];"
        "for (const p of ps) { try { new RegExp(p, 'u'); } catch (e) { bad.push([p, String(e)]); } }"
        "console.log(JSON.stringify(bad));"
    )
    node = shutil.which("node")
    assert node, "Node.js is not on PATH"
    done = subprocess.run(
        [node, "-e", script], input=json.dumps(sorted(accepted)), capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == []


def test_a_pattern_too_big_for_the_rust_engine_is_checked_with_python_re() -> None:
    """arc-region-switch's `.{1,65535}` compiles past pydantic-core's size limit (the package
    did not import); the models then check it with the validators' re, with the same verdict."""
    pattern = translate(".{1,65535}")
    assert pattern.backtracking and not pattern.linear
    assert verdicts(pattern, "a" * 70) == (True, True, True)
    assert verdicts(pattern, "a\nb") == (False, False, False)
    assert verdicts(pattern, "") == (False, False, False)
