"""The runtime modules are tested where they live: `templates/runtime` imported as `runtime`,
without generating anything."""

from __future__ import annotations

import sys
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
RUNTIME = TEMPLATES / "runtime"
if str(TEMPLATES) not in sys.path:
    sys.path.insert(0, str(TEMPLATES))
