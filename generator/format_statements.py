"""Black's output for a module the generator writes itself, at the cost of black on only the
statements that need it.

The package templates and the kinds write black's layout already: its quotes (literals.py),
its indentation and blank lines, one statement a line. What they cannot know is where black
splits a line that spec text made longer than the line length, or how it lays out a statement
written over several lines. So each logical line that is one physical line, fits, and holds no
string in quotes black would change and no magic trailing comma is kept as written; every other
statement goes through black on its own, at its own depth, which is what black does with it
inside the whole file (its line splits depend on the statement and its depth only). Whatever
this cannot place exactly (a decorator, a string statement that is not a docstring, a tab)
sends the whole module through black instead. tests/unit/test_format_statements.py checks the
result is black's, byte for byte, for every spec the project has and every kind of shape.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_OPENERS_OF_A_BLOCK = ("def", "class", "async")
_CLOSERS = (")", "]", "}")


class WholeModule(Exception):
    """The module has a statement this module cannot format alone: black takes it whole."""


@dataclass(frozen=True)
class _Statement:
    first: int  # 0-based index of its first physical line
    last: int  # and of its last
    tokens: tuple[tokenize.TokenInfo, ...]


def format_module(source: str, line_length: int, black_text: Callable[[str], str]) -> str:
    """`source` as black (`black_text`, with `line_length`) would write it."""
    try:
        return _format(source, line_length, black_text)
    except (WholeModule, tokenize.TokenError, IndentationError, SyntaxError):
        return black_text(source)


def _format(source: str, line_length: int, black_text: Callable[[str], str]) -> str:
    lines = source.splitlines(keepends=True)
    if "\t" in source or "\r" in source or "\f" in source or not source.endswith("\n"):
        raise WholeModule
    out: list[str] = []
    done = 0
    previous: _Statement | None = None
    for statement in _statements(source):
        out.extend(lines[done : statement.first])  # blank lines and comment lines, as written
        written = lines[statement.first : statement.last + 1]
        kept = _kept_exploded(statement, written, line_length) or _kept_docstring(statement, written, previous, line_length)
        if _needs_black(statement, written, line_length) and not kept:
            split = _split_call(statement, written[0], line_length) or _split_def(statement, written[0], line_length)
            out.append(split or _black_alone(statement, written, previous, black_text))
        else:
            out.extend(written)
        done = statement.last + 1
        previous = statement
    out.extend(lines[done:])
    return "".join(out)


def _statements(source: str) -> Iterator[_Statement]:
    current: list[tokenize.TokenInfo] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        if not current and token.type in (tokenize.NL, tokenize.COMMENT):
            continue  # a blank line or a comment on a line of its own
        current.append(token)
        if token.type == tokenize.NEWLINE:
            yield _Statement(current[0].start[0] - 1, token.end[0] - 1, tuple(current))
            current = []
    if current:
        raise WholeModule


def _needs_black(statement: _Statement, written: list[str], line_length: int) -> bool:
    if statement.first != statement.last or _width(written[0].rstrip("\n")) > line_length:
        return True
    tokens = statement.tokens
    if tokens[0].type == tokenize.STRING:
        return True  # black rewrites a docstring's spacing; a bare string is handled apart
    return not _plain_tokens(tokens)


def _plain_tokens(tokens: tuple[tokenize.TokenInfo, ...] | list[tokenize.TokenInfo]) -> bool:
    """No string in quotes black changes, and no trailing comma black decides about."""
    for index, token in enumerate(tokens):
        if token.type == tokenize.STRING and _quote_of(token.string) == "'":
            return False
        if token.string == "," and index + 1 < len(tokens) and tokens[index + 1].string in _CLOSERS:
            return False  # black keeps or explodes a trailing comma by rules of its own
    return True


def _width(line: str) -> int:
    """The width black gives a line: East Asian wide characters count twice."""
    if line.isascii():
        return len(line)
    from black.strings import str_width

    return int(str_width(line))


# Characters str.splitlines() breaks at besides "\n" (black measures a docstring's last line so).
_OTHER_LINE_BREAKS = frozenset("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _kept_docstring(statement: _Statement, written: list[str], previous: _Statement | None, line_length: int) -> bool:
    """Whether black leaves as written a docstring in triple double quotes without a prefix:
    the rules of black's linegen.visit_STRING, checked rather than run (its text stripped, the
    lines after the first at the statement's indentation with no trailing spaces and blank
    lines empty, no quote at either end, the closing quotes fitting on the last line)."""
    tokens = [t for t in statement.tokens if t.type != tokenize.NEWLINE]
    if len(tokens) != 1 or tokens[0].type != tokenize.STRING:
        return False
    value = tokens[0].string
    depth, rest = divmod(tokens[0].start[1], 4)
    if rest or len(value) < 7 or not (value.startswith('"""') and value.endswith('"""')) or not _plain_escapes(value):
        return False
    if _OTHER_LINE_BREAKS.intersection(value):
        return False
    if not _is_docstring(previous, depth):
        # A string statement that no rule of black's takes for a docstring (not the first of
        # a block: an attribute's docstring in the models) is a string it cannot split.
        return previous is not None and _last(previous).string != ":"
    body = value[3:-3]
    if body[0] == '"' or body[-1] == '"':
        return False
    lines = body.split("\n")
    if len(lines) == 1:
        return body == body.strip()  # however long: black cannot split a string alone on its line
    indent = "    " * depth
    margins = [len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()]
    if not margins or min(margins) != len(indent):
        return False  # black re-indents the lines after the first (or drops them all when blank)
    expected = [lines[0].strip()]
    for index, line in enumerate(lines[1:], start=1):
        kept = line[len(indent) :].rstrip()
        expected.append(indent + kept if kept or index == len(lines) - 1 else "")
    return expected == lines and len(lines[-1]) + 3 <= line_length


# The escapes literals.docstring writes, which black keeps: its \\ and \", and lower-case hex
# (black lower-cases \xAB and upper-cases \N{...}).
_ESCAPE = re.compile(r'\\(?:\\|"|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})')


def _plain_escapes(value: str) -> bool:
    return "\\" not in _ESCAPE.sub("", value)


_EXPLODED_OPENERS = {"{": "}", "[": "]", "(": ")"}


def _kept_exploded(statement: _Statement, written: list[str], line_length: int) -> bool:
    """Whether black leaves as written a statement that ends in a dict, set or list written one
    element a line with a trailing comma (which black keeps exploded: a magic trailing comma).

    The first line holds the statement up to the opening bracket (`NAME: TYPE = {`,
    `return [`), the last the closing bracket alone; each line between is one element that
    fits, ending in a comma, or opens a nested collection written the same way (`"key": {`
    ... `},`). No comments, blank lines or strings over several lines. Black splits such a
    statement at that last bracket and each collection at its commas, so its lines stay."""
    if statement.first == statement.last:
        return False
    rows: dict[int, list[tokenize.TokenInfo]] = {}
    for token in statement.tokens:
        if token.type == tokenize.COMMENT or token.start[0] != token.end[0]:
            return False
        if token.type not in (tokenize.NL, tokenize.NEWLINE):
            rows.setdefault(token.start[0], []).append(token)
    first_row = statement.first + 1
    found = [rows.get(first_row + offset) for offset in range(len(written))]
    lines = [line for line in found if line is not None]
    if len(lines) != len(found):
        return False  # a blank line inside the brackets
    base = statement.tokens[0].start[1]
    if base % 4 or any(_width(text.rstrip("\n")) > line_length and not _unsplittable(tokens) for text, tokens in zip(written, lines)):
        return False
    head = lines[0]
    if not _opens_collection(head, at_start=False) or not _plain_tokens(head[:-1]):
        return False
    closer = _EXPLODED_OPENERS[head[-1].string]
    end = _collection_end(lines, 1, base + 4, closer, _fewest(head[-1].string))
    return end == len(lines) - 1 and [t.string for t in lines[-1]] == [closer] and lines[-1][0].start[1] == base


def _unsplittable(tokens: list[tokenize.TokenInfo]) -> bool:
    """An element black leaves on its line however long: strings, names and a dict key's `:`,
    then its comma (no bracket, operator or dot to split at)."""
    if tokens[-1].string != ",":
        return False
    return all(t.type in (tokenize.STRING, tokenize.NAME) or t.string == ":" for t in tokens[:-1])


def _opens_collection(tokens: list[tokenize.TokenInfo], *, at_start: bool) -> bool:
    """A line whose brackets all close on it but the last token, which opens a dict, set or
    list display (after `=` or `return` in a statement's first line; after a dict key's `:`,
    or alone, in an element's; not a subscript) or a call's arguments (after a name)."""
    last = tokens[-1]
    if last.type != tokenize.OP or last.string not in _EXPLODED_OPENERS:
        return False
    if len(tokens) == 1:
        return at_start and last.string != "("
    if _depth(tokens[:-1]) != 0 or (tokens[0].string in _KEYWORDS_OF_A_HEADER and tokens[0].string != "return"):
        return False
    before = tokens[-2]
    if last.string == "(" and before.type == tokenize.NAME:
        return before.string not in _KEYWORDS_OF_A_HEADER and before.string not in ("in", "not", "and", "or", "is", "lambda")
    return before.string in ((":",) if at_start else ("=", "return"))


def _fewest(opener: str) -> int:
    """Elements a collection needs for its trailing comma to be magic: a one-tuple's is not."""
    return 2 if opener == "(" else 1


def _collection_end(lines: list[list[tokenize.TokenInfo]], row: int, indent: int, closer: str, fewest: int) -> int | None:
    """The index of the line closing a collection whose elements start at lines[row], each at
    `indent`; None unless every element is one plain line ending in a comma, or a nested
    collection of the same form closed by `closer,`. At least `fewest` elements."""
    elements = 0
    while row < len(lines):
        tokens = lines[row]
        if tokens[0].start[1] != indent or tokens[0].string in _CLOSERS:
            break
        if _opens_collection(tokens, at_start=True):
            if not _plain_tokens(tokens[:-1]):
                return None
            inner = _EXPLODED_OPENERS[tokens[-1].string]
            nested = _collection_end(lines, row + 1, indent + 4, inner, _fewest(tokens[-1].string))
            if nested is None or [t.string for t in lines[nested]] != [inner, ","]:
                return None
            row = nested + 1
        elif tokens[-1].string == "," and _depth(tokens) == 0 and _plain_tokens(tokens[:-1]) and tokens[0].string != ",":
            row += 1
        else:
            return None
        elements += 1
    if elements < fewest or row >= len(lines) or lines[row][0].start[1] != indent - 4 or lines[row][0].string != closer:
        return None
    return row


def _depth(tokens: list[tokenize.TokenInfo]) -> int:
    """How many brackets stay open after `tokens` (-1 when one closes that did not open)."""
    depth = 0
    for token in tokens:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
            if depth < 0:
                return -1
    return depth


def _split_call(statement: _Statement, line: str, line_length: int) -> str | None:
    """Black's split of a one-line statement that ends in a call with plain arguments (no
    brackets in them): the arguments on a line of their own, or one a line with a trailing
    comma where they do not fit. Before the call: no brackets, or `return` and a dotted name,
    or an assignment target (a subscript, an annotation: brackets without commas) then `=`
    and a dotted name, where black splits at the call's brackets all the same (its
    _prefer_split_rhs_oop_over_rhs, the head fitting). None for any other statement."""
    tokens = [t for t in statement.tokens if t.type != tokenize.NEWLINE]
    brackets = [i for i, t in enumerate(tokens) if t.type == tokenize.OP and t.string in "()[]{}"]
    if statement.first != statement.last or len(brackets) < 2 or tokens[-1].string != ")" or brackets[-1] != len(tokens) - 1:
        return None
    opening = brackets[-2]
    if tokens[opening].string != "(" or opening == 0 or tokens[opening - 1].type != tokenize.NAME or opening == len(tokens) - 2:
        return None
    if len(brackets) > 2 and not _target_then_name(tokens[:opening]):
        return None
    if any(t.type == tokenize.COMMENT or (t.type == tokenize.STRING and _quote_of(t.string) == "'") for t in tokens):
        return None
    if tokens[0].string == "return" and _dotted_name(tokens[1:opening]):
        pass
    elif tokens[0].string in _KEYWORDS_OF_A_HEADER:
        return None
    if any(t.string in ("lambda", ":=", "*", "**") for t in tokens[opening + 1 : -1]):
        return None
    indent = line[: tokens[0].start[1]]
    head, tail = line[: tokens[opening].end[1]], line[tokens[-1].start[1] : tokens[-1].end[1]]
    body = line[tokens[opening].end[1] : tokens[-1].start[1]].strip()
    if body.endswith(",") or _width(head) > line_length:
        return None
    inner = indent + "    "
    if len(inner) + _width(body) <= line_length:
        return f"{head}\n{inner}{body}\n{indent}{tail}\n"
    commas = [t for t in tokens[opening + 1 : -1] if t.string == ","]
    if not commas:
        # One argument too long for its own line: black leaves a string there as it is, with
        # no trailing comma (it adds one only where it splits at commas); anything else it splits.
        lone = tokens[opening + 1 : -1]
        return f"{head}\n{inner}{body}\n{indent}{tail}\n" if len(lone) == 1 and lone[0].type == tokenize.STRING else None
    starts = [tokens[opening].end[1], *(t.end[1] for t in commas)]
    ends = [*(t.start[1] for t in commas), tokens[-1].start[1]]
    arguments = [line[a:b].strip() + "," for a, b in zip(starts, ends)]
    pieces = [[t for t in tokens[opening + 1 : -1] if a <= t.start[1] < b] for a, b in zip(starts, ends)]
    # Black leaves a string it cannot split on a line too long; anything else it splits further.
    if any(len(inner) + _width(argument) > line_length and not (len(piece) == 1 and piece[0].type == tokenize.STRING) for argument, piece in zip(arguments, pieces)):
        return None
    return "".join([f"{head}\n", *(f"{inner}{argument}\n" for argument in arguments), f"{indent}{tail}\n"])


def _split_def(statement: _Statement, line: str, line_length: int) -> str | None:
    """Black's split of a one-line `def NAME(PARAMETERS) -> RETURN:` too long for its line (its
    left_hand_split, at the parameters' brackets): the parameters on a line of their own, or
    one a line with a trailing comma where they do not fit; one parameter alone with the comma
    black adds. None for any other statement."""
    tokens = [t for t in statement.tokens if t.type != tokenize.NEWLINE]
    if statement.first != statement.last or _width(line.rstrip("\n")) <= line_length or len(tokens) < 6:
        return None
    if tokens[0].string != "def" or tokens[1].type != tokenize.NAME or tokens[2].string != "(" or tokens[-1].string != ":":
        return None
    if any(t.type == tokenize.COMMENT or (t.type == tokenize.STRING and _quote_of(t.string) == "'") for t in tokens) or not _plain_tokens(tokens):
        return None
    depth, close, commas = 0, None, []
    for index in range(2, len(tokens)):
        token = tokens[index]
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
            if depth == 0:
                close = index
                break
        elif depth == 1 and token.string == ",":
            commas.append(token)
    if close is None or close == 3 or tokens[close + 1].string not in ("->", ":"):
        return None
    parameters = tokens[3:close]
    if any(t.string in ("lambda", ":=", "def", "class") for t in parameters):
        return None
    if not commas and any(t.string in ("*", "**", "/", "|") for t in parameters):
        return None  # black's own rules for where its comma goes
    indent = line[: tokens[0].start[1]]
    head, tail = line[: tokens[2].end[1]], line[tokens[close].start[1] : tokens[-1].end[1]]
    body = line[tokens[2].end[1] : tokens[close].start[1]].strip()
    inner = indent + "    "
    if _width(head) > line_length or len(indent) + _width(tail) > line_length:
        return None
    if not commas:  # one parameter: black adds a comma after it, which then keeps it alone on its line
        return f"{head}\n{inner}{body},\n{indent}{tail}\n" if len(inner) + _width(body) + 1 <= line_length else None
    if len(inner) + _width(body) <= line_length:
        return f"{head}\n{inner}{body}\n{indent}{tail}\n"
    if any(t.string in ("*", "**", "/") for t in parameters):
        return None
    starts = [tokens[2].end[1], *(t.end[1] for t in commas)]
    ends = [*(t.start[1] for t in commas), tokens[close].start[1]]
    each = [line[a:b].strip() + "," for a, b in zip(starts, ends)]
    if any(len(inner) + _width(parameter) > line_length for parameter in each):
        return None
    return "".join([f"{head}\n", *(f"{inner}{parameter}\n" for parameter in each), f"{indent}{tail}\n"])


def _dotted_name(tokens: list[tokenize.TokenInfo]) -> bool:
    """NAME(.NAME)*: a callee black does not split at (a dot after a name is no delimiter)."""
    return len(tokens) % 2 == 1 and all(t.type == tokenize.NAME if i % 2 == 0 else t.string == "." for i, t in enumerate(tokens))


def _target_then_name(tokens: list[tokenize.TokenInfo]) -> bool:
    """`TARGET = NAME(.NAME)*`, the target's brackets closed, with no comma or `=` in them."""
    equals = [i for i, t in enumerate(tokens) if t.string == "="]
    if len(equals) != 1 or not _dotted_name(tokens[equals[0] + 1 :]) or tokens[0].type != tokenize.NAME:
        return False
    target = tokens[: equals[0]]
    return _depth(target) == 0 and all(t.string != "," and t.type in (tokenize.NAME, tokenize.OP, tokenize.STRING, tokenize.NUMBER) for t in target)


_KEYWORDS_OF_A_HEADER = frozenset({"def", "class", "async", "if", "elif", "else", "while", "for", "with", "try", "except", "finally", "return", "raise", "del", "assert", "import", "from", "yield", "await", "global", "nonlocal", "case", "match"})


def _quote_of(literal: str) -> str:
    return literal.lstrip("rRbBuUfF")[:1]


def _black_alone(statement: _Statement, written: list[str], previous: _Statement | None, black_text: Callable[[str], str]) -> str:
    first = statement.tokens[0]
    depth, rest = divmod(first.start[1], 4)
    if rest or first.string == "@":
        raise WholeModule
    if first.type == tokenize.STRING and not _is_docstring(previous, depth):
        raise WholeModule  # a bare string black would take for a docstring when alone
    indent = "    " * depth
    # The statement stays where it is, inside empty classes as deep as it is; a clause that
    # continues a compound statement gets the clause before it, a header gets a body.
    before = [f"{'    ' * level}class _:\n" for level in range(depth)]
    before += [f"{indent}{_CLAUSE_BEFORE[first.string]}\n", f"{indent}    pass\n"] if first.string in _CLAUSE_BEFORE else []
    after = [f"{indent}    pass\n"] if _last(statement).string == ":" else []
    try:
        formatted = black_text("".join(before + written + after)).splitlines(keepends=True)
    except ValueError:
        raise WholeModule from None
    if formatted[: len(before)] != before or formatted[len(formatted) - len(after) :] != after:
        raise WholeModule
    return "".join(formatted[len(before) : len(formatted) - len(after)])


_CLAUSE_BEFORE = {"elif": "if _:", "else": "if _:", "except": "try:", "finally": "try:"}


def _last(statement: _Statement) -> tokenize.TokenInfo:
    """Its last token before the end of the line and any comment there."""
    return next(t for t in reversed(statement.tokens) if t.type not in (tokenize.NEWLINE, tokenize.COMMENT))


def _is_docstring(previous: _Statement | None, depth: int) -> bool:
    if previous is None:
        return depth == 0
    opened = _last(previous).string == ":" and previous.tokens[0].string in _OPENERS_OF_A_BLOCK
    return opened and previous.tokens[0].start[1] == 4 * (depth - 1)
