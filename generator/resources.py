"""Where the generator's data files are: the templates and the spec format's JSON Schema.

In a checkout (and an editable install) they stand next to the package, as `templates/` and
`specs/spec.schema.json`; a wheel carries them inside it, as `generator/_data/` (see
pyproject.toml), because an installed package has no folder next to it of its own.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_INSTALLED = PACKAGE_DIR / "_data"
_CHECKOUT = PACKAGE_DIR.parent

if (_INSTALLED / "templates").is_dir():
    TEMPLATE_ROOT = _INSTALLED / "templates"
    META_SCHEMA_PATH = _INSTALLED / "spec.schema.json"
else:
    TEMPLATE_ROOT = _CHECKOUT / "templates"
    META_SCHEMA_PATH = _CHECKOUT / "specs" / "spec.schema.json"
