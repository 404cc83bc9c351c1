"""Everything that depends on the kind of a shape, one module per kind (see base.py).

Adding a kind of shape: an IR class in ir.py, a module here with its `Kind`, and a line below.
"""

from __future__ import annotations

from ..ir import (
    BlobShape,
    BooleanShape,
    DocumentShape,
    FloatShape,
    IntegerShape,
    ListShape,
    MapShape,
    StringShape,
    StructureShape,
    TimestampShape,
    UnionShape,
)
from .base import (
    BLOB_KEYWORD,
    DOCUMENT_KEYWORD,
    PATTERN_KEYWORD,
    SENSITIVE_KEYWORD,
    TIMESTAMP_KEYWORD,
    Function,
    Kind,
    Reference,
    ir_classes,
    kind_named,
    kind_of,
    register,
    spec_types,
)
from .blob import BlobKind
from .boolean import BooleanKind
from .document import DocumentKind
from .list import ListKind
from .map import MapKind
from .number import FloatKind, IntegerKind
from .string import StringKind
from .structure import StructureKind
from .timestamp import TimestampKind
from .union import UnionKind

register(StringKind(), StringShape)
register(IntegerKind(), IntegerShape)
register(FloatKind(), FloatShape)
register(BooleanKind(), BooleanShape)
register(TimestampKind(), TimestampShape)
register(BlobKind(), BlobShape)
register(ListKind(), ListShape)
register(MapKind(), MapShape)
register(StructureKind(), StructureShape)
register(UnionKind(), UnionShape)
register(DocumentKind(), DocumentShape)

__all__ = ["BLOB_KEYWORD", "DOCUMENT_KEYWORD", "PATTERN_KEYWORD", "SENSITIVE_KEYWORD", "TIMESTAMP_KEYWORD", "Function", "Kind", "Reference", "ir_classes", "kind_named", "kind_of", "spec_types"]
