"""Render the package templates with the IR as their only input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from . import literals
from .ir import Service

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent / "templates"
PACKAGE_TEMPLATES = TEMPLATE_ROOT / "package"


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
    files: dict[str, str] = {}
    for template_path in sorted(PACKAGE_TEMPLATES.rglob("*.j2")):
        relative = template_path.relative_to(PACKAGE_TEMPLATES).as_posix()
        template = env.get_template(f"package/{relative}")
        files[f"{service.package}/{relative.removesuffix('.j2')}"] = template.render(service=service, **context)
    return files
