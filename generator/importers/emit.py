"""The deterministic YAML form of a spec: keys in the order given, block style, text with
line breaks as literal blocks, no anchors or aliases, and a check that it reads back equal."""

from __future__ import annotations

from typing import Any

import yaml

WIDTH = 100
HEADER = """\
# {title}
# Imported by `python -m generator import` from {model}.
# `python -m generator refresh --spec THIS_FILE` re-imports it and keeps the hand-written parts.
"""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(spec: dict[str, Any]) -> str:
    body = yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH, default_flow_style=False, indent=2)
    if yaml.safe_load(body) != spec:
        raise AssertionError("the spec's YAML does not read back as the spec")  # pragma: no cover - a PyYAML bug
    service = spec.get("service", {})
    title = f"{service.get('full_name') or service.get('name')} (API {service.get('api_version')}) as a spec"
    model = spec.get("source", {}).get("model", "an AWS model")
    return HEADER.format(title=_one_line(title), model=_one_line(model)) + body


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
