"""format_generated gives black's output byte for byte: for every module the templates write,
for every spec the project has (each kind of shape, hostile text) and for an AWS service
imported whole, and for the statements it hands to black alone or gives up on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import black
import pytest

from generator.format import LINE_LENGTH, format_generated
from generator.pipeline import compile_spec, rendered_templates

ROOT = Path(__file__).resolve().parents[2]
SPECS = [ROOT / "specs" / "pollforjobs.yaml", *sorted((ROOT / "tests" / "generality").glob("*.yaml")), ROOT / "tests" / "kinds" / "shapes.yaml"]
MODE = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=LINE_LENGTH)


def assert_as_black(files: dict[str, str]) -> None:
    python = {name: text for name, text in files.items() if name.endswith(".py")}
    assert python
    for name, text in python.items():
        assert format_generated(text, name) == black.format_str(text, mode=MODE), name


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_template_module_is_formatted_as_black_does(spec: Path) -> None:
    assert_as_black(rendered_templates(compile_spec(spec)))


def test_a_whole_aws_service_is_formatted_as_black_does(tmp_path: Path) -> None:
    """Secrets Manager whole: long documentation, many enums, patterns and constraints."""
    spec = tmp_path / "secretsmanager.yaml"
    subprocess.run([sys.executable, "-m", "generator", "import", "--model", "botocore:secretsmanager", "--out", str(spec), "-q"], check=True, cwd=ROOT)
    assert_as_black(rendered_templates(compile_spec(spec)))


# Statements of each sort the module treats apart: kept as written, black alone at some
# depth (a long line, a header, a clause of a compound statement, single quotes, a magic
# trailing comma, a docstring), or the whole module to black (a decorator, a bare string).
SOURCES = {
    "kept": 'import os\n\nX = 1\n\n\ndef f(a: int) -> int:\n    """Doc."""\n    return a\n',
    "long line": "def f(a: int) -> int:\n    if a:\n        return g(aaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccccccccccccccccccccccc)\n    return a\n",
    "long header": "def f(aaaaaaaaaaaaaaaaaaaaaaa: int, bbbbbbbbbbbbbbbbbbbbbbbbbbbb: int, cccccccccccccccccccccccccc: int) -> int:\n    return 1\n",
    "long elif": "def f(a: int) -> int:\n    if a:\n        return 1\n    elif aaaaaaaaaaaaaaaaaaaaaaaaaaaaa(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccccccccccccccccccc):\n        return 2\n    else:\n        return 3\n",
    "long except": "try:\n    pass\nexcept (AaaaaaaaaaaaaaaaaaaaaaaaaError, BbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbError, CcccccccccccccccccccccccccError):\n    pass\n",
    "single quotes": "X = 'a'\nY = 'it\"s'\nZ = ('a', \"b\")\n",
    "magic comma": "X = (1, 2,)\nY = (1,)\nZ = [\n    1\n]\n",
    "empty dict": "X = {\n}\n",
    "docstrings": 'class A:\n    """\n    First.\n    \n    Second line   \n    """\n\n    def f(self) -> None:\n        """  Padded.  """\n',
    "module docstring": '"""\n   Module.  \n\n"""\n\nX = 1\n',
    # Docstrings black keeps (KEPT_DOCSTRINGS) have near misses, each changed by black.
    "docstring deeper lines": 'def f() -> None:\n    """First.\n\n        Deeper.\n        """\n',
    "docstring shallower lines": 'def f() -> None:\n    """First.\n  Shallow.\n    """\n',
    "docstring blank lines only": 'def f() -> None:\n    """First.\n\n    """\n',
    "docstring quotes at the ends": 'def f() -> None:\n    """\\"Quoted\\""""\n\n\ndef g() -> None:\n    """\\"Quoted\n    \\""""\n',
    "docstring escapes black changes": 'def f() -> None:\n    """Upper \\xAB and \\N{em dash}."""\n',
    "docstring backslash at a line end": 'def f() -> None:\n    """First \\\n    second."""\n',
    "docstring closing quotes too long": 'def f() -> None:\n    """First.\n\n    ' + "a" * 95 + '"""\n',
    "docstring prefixes and quotes": "def f() -> None:\n    r\"\"\"Raw \\d.\"\"\"\n\n\ndef g() -> None:\n    '''Single.'''\n",
    "docstring other line breaks": 'def f() -> None:\n    """First\x0bsecond.\n    """\n',
    # Calls after `return` or an assignment target with brackets, and defs, split without
    # black (SPLIT_WITHOUT_BLACK), and their near misses.
    "return call of a sum": "def f() -> int:\n    return aaaaaaaaaaaaaaaaaaaaaaaaaaaa + bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb(ccccccccccccccccccccccccccccc, ddd)\n",
    "return call of a call": "def f() -> int:\n    return aaaaaaaaaaaaaaaaaaaaaaa(bbbbbbbbbbbbbbbb).cccccccccccccccccccccccc(dddddddddddddddddddddddddddd, eeeeeeeeeeeeeeee)\n",
    "target with a long head": 'fields["' + "k" * 80 + '"] = read_something_long(value, f"{path}.Key")\n',
    "target with a comma": "x: dict[aaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbb] = ccccccccccccccccccccccccccc(ddddddddddddddddddd, eeeeeeeeeeeeeeeeeeeeeeeeeee)\n",
    "two targets": "x[aaaaaaaaaaaaaaaaaa] = y[bbbbbbbbbbbbbbbbbbbb] = ccccccccccccccccccccccccc(dddddddddddddddddd, eeeeeeeeeeeeeee)\n",
    "def with a long head": "def " + "f" * 100 + "(a: int, b: int) -> None:\n    pass\n",
    "def with a long tail": "def f(a: int, b: int) -> " + "T" * 100 + ":\n    pass\n",
    "def with starred parameters one a line": "def f(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: int, *bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: int, **cccccccccccccccccccccccccccccccccccc: int) -> None:\n    pass\n",
    "def with one union parameter": "def f(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: int | None) -> bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb:\n    pass\n",
    "def with one starred parameter": "def f(*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: int) -> bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb:\n    pass\n",
    "def with a trailing comma": "def f(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: int, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: int,) -> None:\n    pass\n",
    "async def": "async def f(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: int, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: int) -> None:\n    pass\n",
    "bare strings first in a block": 'if x:\n    """ Padded."""\nfor y in z:\n    """Not padded."""\n',
    "attribute docstrings": 'class A:\n    a: int\n    """ Padded. """\n    b: int\n    r"""Raw."""\n    c: int\n    """Upper \\xAB."""\n',
    "docstring padded single line": 'def f() -> None:\n    """ Padded."""\n',
    "decorator": "@decorate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccccccccccccc)\ndef f() -> None:\n    pass\n",
    "bare string": "X = 1\n'not a docstring'\n",
    "comment lines": "X = 1  # a comment\n# alone\nY = 2\n",
    "unicode": 'X = "\\u2028 é"\n',
    # Black measures East Asian wide characters twice: 84 characters, 120 columns.
    "wide characters": 'X = frozenset(("' + "日" * 40 + '", "' + "本" * 20 + '"))\n',
    "wide characters in a call": 'X = f(aaaa, "' + "日" * 45 + '")\n',
    # SageMaker's long patterns: one string argument too long for any line, and its near misses.
    "one long string argument": 'X: Final = LinearPattern("' + "a" * 120 + '")\nY = f("' + "b" * 120 + '", re.ASCII)\nZ = f(g("' + "c" * 120 + '"))\n',
    # Collections written one element a line with a trailing comma, and their near misses.
    "exploded dict": 'X: Final[dict[str, dict[str, str | None]]] = {\n    "A": {\n        "b": None,\n        "c": "C",\n    },\n    "D": {},\n}\n',
    "exploded call and tuple": 'X = {\n    "a": Op(\n        "a",\n        f.g,\n    ),\n    "b": (\n        E,\n        F,\n    ),\n}\n',
    "exploded one-tuple": 'X = {\n    "a": (\n        E,\n    ),\n    "b": (E,),\n}\n',
    "exploded call of one": 'X = [\n    f(\n        a,\n    ),\n]\n',
    "exploded empty": 'X = {\n    "a": {\n    },\n}\n',
    "exploded long string": 'X = {\n    "' + "a" * 120 + '": None,\n    "b": "' + "c" * 120 + '",\n}\n',
    "exploded long expression": 'X = [\n    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa + bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb + cccccccccccccccccccccccccccccccccc,\n]\n',
    "exploded subscript": 'X: Final[\n    int,\n] = 1\nY = z[\n    1,\n]\n',
    "exploded return": 'def f() -> list[int]:\n    return [\n        1,\n        2,\n    ]\n',
    "exploded with a comment": 'X = [\n    1,  # one\n    2,\n]\n',
    "exploded with a blank line": 'X = [\n    1,\n\n    2,\n]\n',
    "exploded single quotes": "X = [\n    'a',\n]\n",
    "exploded inner magic comma": 'X = [\n    (1, 2,),\n]\n',
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_each_sort_of_statement_is_formatted_as_black_does(name: str) -> None:
    assert_as_black({f"{name}.py": SOURCES[name]})


def test_invalid_python_is_a_generator_bug_named_by_its_file() -> None:
    with pytest.raises(RuntimeError, match="generated broken.py is not valid Python"):
        format_generated("def f(:\n    pass\n", "broken.py")


def test_a_collection_black_keeps_exploded_is_not_sent_to_black() -> None:
    """The client's and server's tables (one entry a line, trailing commas) are kept as
    written: black would leave them, and is slow on them."""
    from generator.format_statements import format_module

    def no_black(source: str) -> str:
        raise AssertionError(f"black was asked for {source!r}")

    source = SOURCES["exploded dict"] + SOURCES["exploded call and tuple"] + 'Y = [\n    "' + "a" * 120 + '",\n]\n'
    assert format_module(source, LINE_LENGTH, no_black) == source == black.format_str(source, mode=MODE)


# Docstrings as literals.docstring writes them, which black leaves as they are.
KEPT_DOCSTRINGS = (
    '"""Module.\n\nSecond paragraph, `code` and \\\\ and \\" and \\x1b and \\u2028.\n"""\n\n\n'
    "class A:\n"
    '    """One line, longer than any line may be: ' + "a" * 100 + '."""\n\n'
    "    def f(self) -> None:\n"
    '        """\n        First.\n\n        Second, after an empty line.\n        """\n\n\n'
    "def g(a: int) -> None:\n"
    '    """Ends on its line:  ' + "b" * 70 + '\n    last."""\n'
)


def test_docstrings_black_keeps_are_not_sent_to_black() -> None:
    """Each docstring was a black run of its own: most of the calls for a service's modules."""
    from generator.format_statements import format_module

    def no_black(source: str) -> str:
        raise AssertionError(f"black was asked for {source!r}")

    assert format_module(KEPT_DOCSTRINGS, LINE_LENGTH, no_black) == KEPT_DOCSTRINGS == black.format_str(KEPT_DOCSTRINGS, mode=MODE)


def test_docstrings_are_written_as_black_keeps_them() -> None:
    """No spaces at a line's end or on a blank line, so black has nothing to change."""
    from generator.literals import docstring

    assert docstring("First.  \n\nSecond.   \n  Indented.", "    ") == '"""\n    First.\n\n    Second.\n      Indented.\n    """'


# Long statements of the wire reader, the client and the validators that black splits at one
# pair of brackets, as format_statements.py splits them itself.
SPLIT_WITHOUT_BLACK = {
    "return call": "class C:\n    def f(self) -> int:\n        return self._invoke(\"AcknowledgeJob\", payload, models.AcknowledgeJobOutput, wire.read_acknowledge_job)\n",
    "return call one a line": "def f() -> int:\n    return models.AcknowledgeJobOutput.model_validate_json(bodyyyyyyyyyyyyyyyyyyyyyyy, strict=True, by_alias=True, by_name=False)\n",
    "subscript target": 'def f() -> None:\n    fields["global_secondary_indexes"] = _read_SecondaryIndexesBulkBytesMap(v, f"{path}.GlobalSecondaryIndexes")\n',
    "annotated target": 'X: Final[Table] = build_the_table_of_everything(aaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)\n',
    "def": "def _check_AutoScalingTargetTrackingScalingPolicyConfigurationDescription(value: Any, path: str, out: list[Violation]) -> None:\n    pass\n",
    "def one a line": "def f(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: int, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: int = 1, cccccccccccccccccccccccccccccccccccc: int = 2) -> None:\n    pass\n",
    "def with one parameter": "def parse_describe_kinesis_streaming_destination_response(body: bytes) -> models.DescribeKinesisStreamingDestinationOutput:\n    pass\n",
    "method with positional-only and keywords": "class C:\n    def batch_get_item(self, request: models.BatchGetItemInput | Mapping[str, Any] | None = None, /, **params: Any) -> models.BatchGetItemOutput:\n        pass\n",
}
SOURCES.update({f"split {name}": source for name, source in SPLIT_WITHOUT_BLACK.items()})


@pytest.mark.parametrize("name", sorted(SPLIT_WITHOUT_BLACK))
def test_a_long_call_or_def_black_splits_at_one_bracket_is_split_without_black(name: str) -> None:
    """These were the most of black's runs over a whole service's modules."""
    from generator.format_statements import format_module

    def no_black(source: str) -> str:
        raise AssertionError(f"black was asked for {source!r}")

    source = SPLIT_WITHOUT_BLACK[name]
    assert format_module(source, LINE_LENGTH, no_black) == black.format_str(source, mode=MODE)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_the_models_get_blacks_output_from_its_first_pass_and_the_statements(spec: Path) -> None:
    """Black over a whole module (the models) runs its first pass over the whole
    module and its second over the statements that need it: black's output all the same."""
    from generator import models
    from generator.format import _black
    from generator.models_tool import generate_models
    from generator.pipeline import header

    service = compile_spec(spec)
    document, aliases, template_data, _ = models._inputs(service)
    source = header(service) + generate_models(document, aliases, template_data, models.EXTRA_KEYS)
    assert _black(source, "models.py") == black.format_str(source, mode=MODE)  # _black: no cache


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_the_models_formatted_in_two_halves_are_blacks_output(spec: Path) -> None:
    """Cut before a top-level class, each half through black alone, joined by two blank lines:
    black's output over the whole (format.py runs the halves in two processes)."""
    from generator import models
    from generator.format import SPLIT_FROM_LINES, _black_in_halves, _halves
    from generator.models_tool import generate_models
    from generator.pipeline import header

    service = compile_spec(spec)
    document, aliases, template_data, _ = models._inputs(service)
    source = header(service) + generate_models(document, aliases, template_data, models.EXTRA_KEYS)
    halves = _halves(source)
    assert (halves is not None) == (source.count("\n") >= SPLIT_FROM_LINES)
    if halves is not None:
        assert halves[1].startswith("class ") and "".join(halves) == source
    assert _black_in_halves(source, "models.py") == black.format_str(source, mode=MODE)


def test_halves_are_never_cut_after_a_decorator_and_a_bad_half_falls_back_to_the_whole() -> None:
    from generator.format import _black_in_halves, _halves

    classes = "".join(f"\n\nclass C{n}:\n    a: int = {n}\n" for n in range(300))
    middle = classes.index("\n\n\nclass C150:")
    decorated = "x = 1\n" + classes[:middle] + "\n\n\n@decorate\n\n" + classes[middle:]
    halves = _halves(decorated)
    assert halves is not None and not halves[0].rstrip().endswith("@decorate")
    assert _black_in_halves(decorated, "models.py") == black.format_str(decorated, mode=MODE)
    # A string black reads only whole (a triple quote across the cut): the whole, not a halves error.
    spanning = "x = 1\n" + classes[:middle] + '\n\n\ns = """\n' + classes[middle:] + '"""\n'
    assert _black_in_halves(spanning, "models.py") == black.format_str(spanning, mode=MODE)


def test_an_attribute_docstring_is_kept_without_black() -> None:
    """The models' field descriptions: a string statement after a field, which black cannot split."""
    from generator.format_statements import format_module

    def no_black(source: str) -> str:
        raise AssertionError(f"black was asked for {source!r}")

    source = 'class A(BaseModel):\n    a: int\n    """\n    The ' + "a" * 120 + '.\n    """\n    b: int\n    """B."""\n'
    assert format_module(source, LINE_LENGTH, no_black) == source == black.format_str(source, mode=MODE)
