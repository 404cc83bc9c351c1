"""What the Smithy importer knows of Smithy's vocabulary: the shape kinds, the protocol and
timestamp traits it maps, the prelude, and the traits it leaves out on purpose, each with why."""

from __future__ import annotations

API = "smithy.api#"
SIMPLE = {"string", "integer", "long", "float", "double", "boolean", "blob", "timestamp", "document"}
SMALL_INTEGERS = {"byte", "short", "intEnum"}
UNEXPRESSIBLE = {"bigInteger": "arbitrary-precision integers", "bigDecimal": "arbitrary-precision decimals"}
KINDS = SIMPLE | SMALL_INTEGERS | set(UNEXPRESSIBLE) | {"enum", "list", "set", "map", "structure", "union", "operation", "service", "resource", "apply"}
PROTOCOLS = {
    "aws.protocols#awsJson1_0": "json",
    "aws.protocols#awsJson1_1": "json",
    "smithy.protocols#rpcv2Cbor": "smithy-rpc-v2-cbor",
    "smithy.protocols#rpcv2Json": "smithy-rpc-v2-json",
    "aws.protocols#awsQuery": "query",
    "aws.protocols#ec2Query": "ec2",
    "aws.protocols#restJson1": "rest-json",
    "aws.protocols#restXml": "rest-xml",
}
JSON_TRAITS = {"aws.protocols#awsJson1_0": "awsJson1_0", "aws.protocols#awsJson1_1": "awsJson1_1"}
TIMESTAMP_FORMATS = {"epoch-seconds": "unixTimestamp", "date-time": "iso8601", "http-date": "rfc822"}
PRELUDE = {
    "String": "string", "Blob": "blob", "Boolean": "boolean", "PrimitiveBoolean": "boolean", "Byte": "byte",
    "PrimitiveByte": "byte", "Short": "short", "PrimitiveShort": "short", "Integer": "integer", "PrimitiveInteger": "integer",
    "Long": "long", "PrimitiveLong": "long", "Float": "float", "PrimitiveFloat": "float", "Double": "double",
    "PrimitiveDouble": "double", "BigInteger": "bigInteger", "BigDecimal": "bigDecimal", "Timestamp": "timestamp", "Document": "document",
}  # fmt: skip
# Traits that the spec records, and traits it leaves out on purpose, with why.
USED = {f"{API}{t}" for t in ("documentation", "required", "sensitive", "deprecated", "length", "range", "pattern", "enum", "enumValue")}
USED |= {f"{API}{t}" for t in ("error", "httpError", "retryable", "idempotencyToken", "timestampFormat", "default", "sparse", "endpoint", "requestCompression")}
USED |= {f"{API}{t}" for t in ("hostLabel", "streaming", "title", "input", "output")} | {"aws.api#service", "aws.auth#sigv4"} | set(PROTOCOLS)
_HTTP = "HTTP bindings: AWS JSON protocols send every member in the JSON body"
_RULES = "endpoint rules: the spec format uses https://<endpoint_prefix>.<region>.amazonaws.com"
IGNORED = {
    f"{API}jsonName": "AWS JSON protocols do not use jsonName; members travel under their own names",
    f"{API}paginated": "pagination is not in the spec format",
    f"{API}readonly": "read-only operations are not marked in the spec format",
    f"{API}idempotent": "operation idempotency is not in the spec format",
    f"{API}examples": "model examples are not imported (examples in a spec are hand-written)",
    f"{API}externalDocumentation": "links to documentation pages are not in the spec format",
    f"{API}tags": "tags are not in the spec format",
    f"{API}suppress": "model validation suppressions do not concern a spec",
    f"{API}xmlNamespace": "XML serialization: not used by AWS JSON protocols",
    f"{API}xmlName": "XML serialization: not used by AWS JSON protocols",
    f"{API}xmlFlattened": "XML serialization: not used by AWS JSON protocols",
    f"{API}auth": "per-operation auth schemes are not in the spec format (every operation is SigV4-signed)",
    f"{API}optionalAuth": "per-operation auth schemes are not in the spec format (every operation is SigV4-signed)",
    f"{API}http": _HTTP, f"{API}httpHeader": _HTTP, f"{API}httpQuery": _HTTP, f"{API}httpLabel": _HTTP,
    f"{API}httpPayload": _HTTP, f"{API}httpPrefixHeaders": _HTTP, f"{API}httpResponseCode": _HTTP, f"{API}httpQueryParams": _HTTP,
    f"{API}uniqueItems": "unique list items are not in the spec format",
    f"{API}clientOptional": "a code-generation hint about nullability",
    f"{API}addedDefault": "a code-generation hint about defaults added later",
    f"{API}box": "Java boxing: JSON has no such distinction",
    f"{API}unstable": "stability marks are not in the spec format",
    f"{API}recommended": "recommendation marks are not in the spec format",
    f"{API}internal": "internal marks are not in the spec format",
    f"{API}private": "private marks are not in the spec format",
    f"{API}mixin": "mixins are not in the spec format",
    "aws.api#clientEndpointDiscovery": "endpoint discovery is not in the spec format",
    "aws.api#clientDiscoveredEndpoint": "endpoint discovery is not in the spec format",
    "aws.protocols#awsQueryCompatible": "awsQuery-compatible error codes are not in the spec format",
    "aws.protocols#awsQueryError": "awsQuery error codes: AWS JSON protocols name an error by its shape",
    "aws.protocols#httpChecksum": "request checksums are not in the spec format",
    "smithy.rules#endpointRuleSet": _RULES, "smithy.rules#endpointTests": _RULES, "smithy.rules#contextParam": _RULES,
    "smithy.rules#staticContextParams": _RULES, "smithy.rules#clientContextParams": _RULES, "smithy.rules#operationContextParams": _RULES,
}  # fmt: skip
QUIET_PREFIXES = ("aws.iam#", "aws.cloudformation#", "aws.api#arn", "aws.api#data", "aws.api#controlPlane", "aws.api#dataPlane", "aws.api#tagEnabled", "aws.api#taggable", "smithy.test#", "smithy.waiters#", "aws.protocoltests")
QUIET_REASON = "IAM, CloudFormation, ARN, tagging, test and waiter metadata do not concern the wire"
