"""Render the package templates with the IR as their only input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

from . import literals, protocols
from .ir import Service
from .resources import TEMPLATE_ROOT

PACKAGE_TEMPLATES = TEMPLATE_ROOT / "package"
# Ordinary Python that every package carries unchanged, as `<package>/_runtime/...`.
RUNTIME_ROOT = TEMPLATE_ROOT / "runtime"
RUNTIME_PACKAGE = "_runtime"
# Protocol modules are copied only into packages whose spec speaks that protocol.
RUNTIME_PROTOCOLS = "protocols"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_ROOT)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["literal"] = literals.py_literal
    env.filters["docstring"] = literals.docstring
    env.filters["comment"] = literals.comment
    return env


def render_package(service: Service, context: dict[str, Any]) -> dict[str, str]:
    """Every `templates/package/*.j2` becomes `<package>/<name>` (minus `.j2`)."""
    env = environment()
    protocol = protocols.for_service(service)
    spoken = protocols.all_for(service)
    # The server's first protocol answers requests no protocol claims: the client's default.
    server_protocols = (protocol, *(p for p in spoken if p != protocol))
    files: dict[str, str] = {}
    for template_path in sorted(PACKAGE_TEMPLATES.rglob("*.j2")):
        relative = template_path.relative_to(PACKAGE_TEMPLATES).as_posix()
        template = env.get_template(f"package/{relative}")
        files[f"{service.package}/{relative.removesuffix('.j2')}"] = template.render(service=service, protocol=protocol, protocols=spoken, server_protocols=server_protocols, **context)
    return files


def runtime_files(service: Service, header: Callable[[str], str], protocol_modules: frozenset[str] | None = None) -> dict[str, str]:
    """Every `templates/runtime/**/*.py`, verbatim after `header(its path)`, as
    `<package>/_runtime/...`; of `templates/runtime/protocols/`, only the modules named in
    `protocol_modules` (by default those of the service's protocols) and the folder's
    `__init__.py`."""
    if protocol_modules is None:
        protocol_modules = protocols.runtime_modules(service)
    files: dict[str, str] = {}
    for source in sorted(RUNTIME_ROOT.rglob("*.py")):
        relative = source.relative_to(RUNTIME_ROOT)
        in_protocols = relative.parts[0] == RUNTIME_PROTOCOLS and len(relative.parts) > 1
        if in_protocols and relative.name != "__init__.py" and relative.stem not in protocol_modules:
            continue
        text = source.read_text(encoding="utf-8")
        source_name = source.relative_to(TEMPLATE_ROOT.parent).as_posix()
        files[f"{service.package}/{RUNTIME_PACKAGE}/{relative.as_posix()}"] = header(source_name) + text
    return files
