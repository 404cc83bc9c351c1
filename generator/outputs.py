"""Which parts a generated package gets: the exports, the server, the client, the local handler.

The models, validators, wire reader and errors are always written; the rest can be left out
(`[tool.aws-binding-generator]` in pyproject.toml, or the command line's flags). A package
without its server or client still imports and passes mypy --strict and ruff: nothing that
stays refers to what was left out (the server is the only user of the local handler and of
server_auth.py; the shared runtime, `_runtime/`, is carried whole either way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXPORT_FORMATS = ("jsonschema", "openapi", "typescript")
# Files of the package (paths inside it) that belong to one optional part.
SERVER_FILES = frozenset({"server.py", "server_auth.py"})
CLIENT_FILES = frozenset({"client.py"})


@dataclass(frozen=True)
class Outputs:
    exports: tuple[str, ...] = EXPORT_FORMATS
    server: bool = True
    client: bool = True
    local_handler: bool = True

    def record(self) -> dict[str, Any]:
        """As the ownership marker records it (part of a package's fingerprint)."""
        return {"client": self.client, "exports": list(self.exports), "local-handler": self.local_handler, "server": self.server}

    def keeps(self, name: str) -> bool:
        """Whether `name` (a path inside the package) is written."""
        return not ((name in SERVER_FILES and not self.server) or (name in CLIENT_FILES and not self.client))


EVERYTHING = Outputs()
