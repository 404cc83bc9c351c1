"""The project's own code, which uses the package generated from specs/inventory.yaml."""

import inventory_api


def bolt_problems() -> list[str]:
    return [v.message for v in inventory_api.validate_request({"item": {"sku": "BOLT-1", "count": -1}}, "PutItem")]
