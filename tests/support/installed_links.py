"""A folder of links to this test run's installed packages, minus this project's own
(editable) install: put on a fresh environment's path, it gives that environment the
generator's dependencies and build tools offline, and no copy of the generator."""

from __future__ import annotations

import site
from pathlib import Path

OWN = ("aws_binding_generator", "_editable_impl_aws", "pip", "__pycache__")


def installed_links(folder: Path) -> Path:
    folder.mkdir(parents=True)
    [installed] = [Path(p) for p in site.getsitepackages() if (Path(p) / "hatchling").is_dir()]
    for entry in installed.iterdir():
        if entry.name.startswith(OWN) or entry.suffix == ".pth":
            continue
        (folder / entry.name).symlink_to(entry)
    return folder
