"""PyYAML's syntax errors in words, at the place to fix.

PyYAML reports where its parser gave up, which is often the line after the mistake (a key
without `:` is noticed at the next key, an unclosed `[` or quote at the end of the file), and
in its own terms (`expected <block end>, but found '<block mapping start>'`). Each known case
is named here with the mark where the mistake is; anything else keeps PyYAML's text, with
its token names spelled out.
"""

from __future__ import annotations

import re

import yaml

_TOKENS = {
    "<block end>": "the end of the block",
    "<block mapping start>": "a more indented key",
    "<block sequence start>": "a list",
    "<block collection start>": "a nested block",
    "<scalar>": "more text",
    "<stream end>": "the end of the file",
    "<document start>": "'---'",
    "<document end>": "'...'",
    "?": "a key",
    ":": "':'",
    "-": "'-'",
    ",": "','",
}
_CLOSERS = {"flow sequence": ("[", "]"), "flow mapping": ("{", "}")}


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Line, column and message for a PyYAML error raised while reading `text`."""
    context, problem = exc.context or "", exc.problem or ""
    at_problem = exc.problem_mark or exc.context_mark
    at_context = exc.context_mark or exc.problem_mark
    here, message = at_problem, ""
    if context == "while scanning a simple key" and "could not find expected ':'" in problem:
        here, message = at_context, "this line has no ':' after its key (a mapping entry is 'key: value'; quote text that is not a key)"
    elif "quoted scalar" in context and "end of stream" in problem:
        quote = text[at_context.index] if at_context and at_context.index < len(text) else '"'
        here, message = at_context, f"the quoted text that starts here is never closed (no closing {quote})"
    elif "unknown escape character" in problem:
        found = re.search(r"character '(.+)'", problem)
        escape = "\\" + found.group(1) if found else "this escape"
        message = f"unknown escape '{escape}' in double-quoted text; write '\\\\' for a backslash, or use single quotes"
    elif context.removeprefix("while parsing a ") in _CLOSERS and "expected ','" in problem:
        opener, closer = _CLOSERS[context.removeprefix("while parsing a ")]
        if at_problem and at_context and at_problem.line > at_context.line:
            here = at_context
            message = f"the '{opener}' here is never closed (expected ',' or '{closer}' before line {at_problem.line + 1})"
        else:
            message = f"expected ',' or '{closer}' here, inside the '{opener}' that starts at column {at_context.column + 1 if at_context else 1}"
    elif context == "while parsing a block mapping" and "<block mapping start>" in problem:
        message = "this line is indented differently from the keys above it (keys of one mapping start in the same column)"
    elif context == "while parsing a block mapping" and "'<scalar>'" in problem:
        message = "unexpected text after the value (quote the whole value if it holds quotes)"
    elif context == "while parsing a block collection" and "expected <block end>" in problem:
        message = "a key where a list item ('- …') was expected: a list and a mapping cannot share one indentation"
    elif problem == "mapping values are not allowed here":
        message = "':' is not allowed here (quote a value that contains ': ', or check this line's indentation)"
    elif "that cannot start any token" in problem:
        found = re.search(r"found character '(.+)' that", problem)
        char = found.group(1) if found else "?"
        message = "a tab cannot indent YAML; use spaces" if char == "\\t" else f"'{char}' cannot start a value; quote the value"
    elif context == "expected a single document in the stream":
        message = "expected a single document, but another one starts here ('---'); a spec is one YAML document"
    elif problem.startswith("expected the node content, but found "):
        message = f"expected a value here, but found {_spelled(problem.removeprefix('expected the node content, but found '))}"
    elif "found undefined alias" in problem:
        found = re.search(r"alias '(.+)'", problem)
        name = found.group(1) if found else ""
        message = f"alias '*{name}' refers to no anchor '&{name}' before it"
    else:
        message = ", ".join(_spelled(part) for part in (context, problem) if part) or "invalid YAML"
    line, column = (here.line + 1, here.column + 1) if here else (1, 1)
    return line, column, "YAML syntax error: " + message


def _spelled(text: str) -> str:
    for token, words in _TOKENS.items():
        text = text.replace(f"'{token}'", words).replace(token, words) if token.startswith("<") else text.replace(f"'{token}'", words)
    return text
