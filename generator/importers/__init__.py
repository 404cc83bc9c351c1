"""Importers: AWS's own models (botocore service-2.json, Smithy JSON AST) made into specs.

Each model source has one module that translates its model into the same neutral form
(`model.Model`: spec-format shapes and operations under the model's own names); the shared
modules select operations and their closure (closure.py), make names legal (names.py), turn
documentation into text (docs.py), assemble the spec (assemble.py) and write it (emit.py).
Nothing after assemble.py knows where a spec came from.
"""
