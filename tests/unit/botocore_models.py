"""Small botocore-style models (service-2.json) for the importer tests, built in code."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

METADATA = {
    "apiVersion": "2020-01-01",
    "endpointPrefix": "widgets",
    "jsonVersion": "1.1",
    "protocol": "json",
    "protocols": ["json"],
    "serviceFullName": "Example Widgets",
    "serviceId": "Widgets",
    "signatureVersion": "v4",
    "targetPrefix": "Widgets_20200101",
    "uid": "widgets-2020-01-01",
}


def widgets() -> dict[str, Any]:
    """A model with one of each thing the importer translates."""
    return {
        "version": "2.0",
        "metadata": copy.deepcopy(METADATA),
        "documentation": "<p>Stores <code>widgets</code>. See <a href=\"https://example.com/w\">the guide </a>.</p>",
        "operations": {
            "GetWidget": {
                "name": "GetWidget",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "GetWidgetRequest"},
                "output": {"shape": "GetWidgetResponse"},
                "errors": [{"shape": "WidgetNotFound"}, {"shape": "ThrottlingException"}, {"shape": "InternalFault"}],
                "documentation": "<p>Gets a widget.</p>",
                "endpoint": {"hostPrefix": "{AccountId}.data."},
                "requestcompression": {"encodings": ["gzip"]},
                "readonly": True,
            },
            "DeleteAll": {"name": "DeleteAll", "http": {"method": "POST", "requestUri": "/"}, "deprecated": True, "deprecatedMessage": "Do not.", "deprecatedSince": "2021-01-01"},
            "Watch": {
                "name": "Watch",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "WatchRequest"},
                "output": {"shape": "WatchResponse"},
            },
        },
        "shapes": {
            "GetWidgetRequest": {
                "type": "structure",
                "required": ["AccountId", "widgetId"],
                "members": {
                    "AccountId": {"shape": "AccountId", "hostLabel": True},
                    "widgetId": {"shape": "__string", "documentation": "<p>The <b>ID</b>.</p>"},
                    "clientToken": {"shape": "token", "idempotencyToken": True},
                    "since": {"shape": "Stamp", "timestampFormat": "rfc822"},
                    "legacy": {"shape": "__string", "deprecated": True, "deprecatedMessage": "Gone.", "box": True},
                },
            },
            "GetWidgetResponse": {
                "type": "structure",
                "members": {
                    "widget": {"shape": "Widget"},
                    "shape": {"shape": "Shape_Union"},
                    "extra": {"shape": "Doc"},
                    "data": {"shape": "Data"},
                },
            },
            "Widget": {
                "type": "structure",
                "members": {"name": {"shape": "__string"}, "parts": {"shape": "WidgetList"}, "kind": {"shape": "Kind"}, "size": {"shape": "Size"}},
                "documentation": "<p>A widget, made of widgets.</p>",
                "deprecated": True,
            },
            "WidgetList": {"type": "list", "member": {"shape": "Widget"}, "max": 10},
            "Shape_Union": {"type": "structure", "union": True, "members": {"circle": {"shape": "Size"}, "square": {"shape": "Size"}}},
            "Doc": {"type": "structure", "document": True, "members": {}},
            "Data": {"type": "blob", "min": 1, "sensitive": True},
            "Kind": {"type": "string", "enum": ["big", "small"]},
            "Size": {"type": "integer", "min": 1, "max": 100, "box": True},
            "Stamp": {"type": "timestamp", "timestampFormat": "iso8601"},
            "AccountId": {"type": "string", "pattern": "[0-9]{12}"},
            "__string": {"type": "string"},
            "token": {"type": "string", "min": 1, "max": 64},
            "WidgetNotFound": {
                "type": "structure",
                "members": {"message": {"shape": "__string"}, "widgetId": {"shape": "__string"}},
                "error": {"httpStatusCode": 404, "senderFault": True},
                "exception": True,
                "documentation": "<p>No such widget.</p>",
            },
            "ThrottlingException": {"type": "structure", "members": {}, "exception": True, "retryable": {"throttling": True}},
            "InternalFault": {"type": "structure", "members": {}, "exception": True, "fault": True, "retryable": {"throttling": False}},
            "WatchRequest": {"type": "structure", "members": {}},
            "WatchResponse": {"type": "structure", "members": {"events": {"shape": "EventStream"}}},
            "EventStream": {"type": "structure", "eventstream": True, "members": {"tick": {"shape": "Tick"}}},
            "Tick": {"type": "structure", "event": True, "members": {}},
            "Unreached": {"type": "string"},
        },
    }


def write(path: Path, model: dict[str, Any]) -> Path:
    path.write_text(json.dumps(model, indent=1), encoding="utf-8")
    return path
