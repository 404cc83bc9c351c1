"""What the validators.py and wire.py templates loop over: each shape lowered by its kind.

The kinds (generator/kinds/) write each shape's checks and readers as Python lines; here
they are collected per module with the constants they use and the runtime helpers they call
(templates/runtime/validation.py and reader.py, which every package carries as `_runtime`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .ir import Service
from .kinds import Function, kind_of
from .pycode import Calls

# What validators.py offers from its runtime beside its own functions (the package's names).
VALIDATION_EXPORTS = ("MAX_ECHOED_CHARS", "MAX_LISTED_VIOLATIONS", "MAX_NESTING", "ValidationFailedError", "Violation", "format_message")
# What the validators.py template itself uses from the runtime.
VALIDATION_USED = ("ValidationFailedError", "Violation", "validator_for")
READER_EXPORTS = ("ResponseFormatError",)
READER_USED = ("as_json", "reader_for")


@dataclass(frozen=True)
class Module:
    """A generated module's spec-specific part."""

    imports: tuple[str, ...]  # standard-library modules
    runtime: tuple[str, ...]  # names imported from its runtime module
    exports: tuple[str, ...]  # its public names: `__all__`
    constants: tuple[str, ...]
    functions: tuple[Function, ...]


def validators_module(service: Service) -> Module:
    """`_check_<shape>` for each structure, list and map a request or response can hold."""
    calls = Calls(service.recursive)
    functions = []
    for name in service.reachable(n for op in service.operations for n in (op.input, op.output)):
        shape = service.shape(name)
        calls.caller_recursive = name in service.recursive
        checker = kind_of(shape).checker(service, shape, calls)
        if checker is not None and calls.caller_recursive:
            guard = ("if depth >= MAX_NESTING:", f"    {calls('too_deep', 'out', 'path')}", "    return")
            checker = replace(checker, body=guard + checker.body, counts_depth=True)
            calls.names.add("MAX_NESTING")
        if checker is not None:
            functions.append(checker)
    constants = [line for shape in service.shapes for line in kind_of(shape).validator_constants(shape)]
    imports = {module for shape in service.shapes for module in kind_of(shape).validator_imports(shape)}
    offered = {*VALIDATION_EXPORTS, *(name for shape in service.shapes for name in kind_of(shape).shape_runtime_exports(shape))}
    own = {"check_request", "validate_request", "validate_response"}
    own |= {f"validate_{op.method_name}_{part}" for op in service.operations for part in ("request", "response")}
    return Module(
        imports=tuple(sorted(imports)),
        runtime=_names(calls.names | offered | set(VALIDATION_USED)),
        exports=_names(offered | own),
        constants=tuple(constants),
        functions=tuple(functions),
    )


def reader_module(service: Service) -> Module:
    """`_read_<shape>` for each structure, list and map a response can hold."""
    calls = Calls(service.recursive)
    functions = []
    for name in service.reachable(op.output for op in service.operations):
        shape = service.shape(name)
        calls.caller_recursive = name in service.recursive
        reader = kind_of(shape).reader(service, shape, calls)
        if reader is not None and calls.caller_recursive:
            reader = replace(reader, body=(calls("within_nesting", "depth", "path"), *reader.body), counts_depth=True)
        if reader is not None:
            functions.append(reader)
    own = {"read_response"} | {f"{verb}_{op.method_name}_response" for op in service.operations for verb in ("read", "parse")}
    return Module(
        imports=(),
        runtime=_names(calls.names | set(READER_EXPORTS) | set(READER_USED)),
        exports=_names(set(READER_EXPORTS) | own),
        constants=(),
        functions=tuple(functions),
    )


def _names(names: set[str]) -> tuple[str, ...]:
    """In the order isort (and ruff) keep imported names and `__all__`: constants, classes, the rest."""
    return tuple(sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n)))
