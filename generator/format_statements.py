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
        if _needs_black(statement, written, line_length):
            out.append(_split_call(statement, written[0], line_length) or _black_alone(statement, written, previous, black_text))
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
    if statement.first != statement.last or len(written[0].rstrip("\n")) > line_length:
        return True
    tokens = statement.tokens
    if tokens[0].type == tokenize.STRING:
        return True  # black rewrites a docstring's spacing; a bare string is handled apart
    for index, token in enumerate(tokens):
        if token.type == tokenize.STRING and _quote_of(token.string) == "'":
            return True
        if token.string == "," and index + 1 < len(tokens) and tokens[index + 1].string in _CLOSERS:
            return True  # black keeps or explodes a trailing comma by rules of its own
    return False


def _split_call(statement: _Statement, line: str, line_length: int) -> str | None:
    """Black's split of a one-line statement that ends in a call with plain arguments (no
    brackets in them, none before the call): the arguments on a line of their own, or one a
    line with a trailing comma where they do not fit. None for any other statement."""
    tokens = [t for t in statement.tokens if t.type != tokenize.NEWLINE]
    brackets = [i for i, t in enumerate(tokens) if t.type == tokenize.OP and t.string in "()[]{}"]
    if statement.first != statement.last or len(brackets) != 2 or tokens[-1].string != ")" or brackets[1] != len(tokens) - 1:
        return None
    opening = brackets[0]
    if tokens[opening].string != "(" or opening == 0 or tokens[opening - 1].type != tokenize.NAME or opening == len(tokens) - 2:
        return None
    if any(t.type == tokenize.COMMENT or (t.type == tokenize.STRING and _quote_of(t.string) == "'") for t in tokens):
        return None
    if any(t.string in ("lambda", ":=", "*", "**") for t in tokens[opening + 1 : -1]) or tokens[0].string in _KEYWORDS_OF_A_HEADER:
        return None
    indent = line[: tokens[0].start[1]]
    head, tail = line[: tokens[opening].end[1]], line[tokens[-1].start[1] : tokens[-1].end[1]]
    body = line[tokens[opening].end[1] : tokens[-1].start[1]].strip()
    if body.endswith(",") or len(head) > line_length:
        return None
    inner = indent + "    "
    if len(inner) + len(body) <= line_length:
        return f"{head}\n{inner}{body}\n{indent}{tail}\n"
    commas = [t for t in tokens[opening + 1 : -1] if t.string == ","]
    starts = [tokens[opening].end[1], *(t.end[1] for t in commas)]
    ends = [*(t.start[1] for t in commas), tokens[-1].start[1]]
    arguments = [line[a:b].strip() + "," for a, b in zip(starts, ends)]
    pieces = [[t for t in tokens[opening + 1 : -1] if a <= t.start[1] < b] for a, b in zip(starts, ends)]
    # Black leaves a string it cannot split on a line too long; anything else it splits further.
    if any(len(inner) + len(argument) > line_length and not (len(piece) == 1 and piece[0].type == tokenize.STRING) for argument, piece in zip(arguments, pieces)):
        return None
    return "".join([f"{head}\n", *(f"{inner}{argument}\n" for argument in arguments), f"{indent}{tail}\n"])


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
