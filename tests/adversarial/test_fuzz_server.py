"""A fuzz campaign against `python -m pollforjobs.server` over real HTTP on 127.0.0.1.

Over 10,000 requests per run, in two parts: hypothesis draws whole requests (bodies near the
input shape from `strategies.json_near`, with members under their Python names too, valid
polls, some with `max_batch_size` or `query_param`, fuzzed targets, content types, methods,
paths and extra headers, tampered signatures, key-like values in every header the server
reads, and oversized or malformed credential scopes), and a seeded random part mutates the
bytes of valid requests (flips, inserts, cuts, NaN, 1e400, 5,000-digit numbers, unpaired
surrogates, BOMs, deep nesting...). Every request is SigV4-signed by botocore's signer for
the server's credentials (unless the tamper is to leave it unsigned) and sent on keep-alive
connections from eight threads.

The server runs as a user runs it: a subprocess with a credentials file, debug logging and
a handler (the bundled queue plus an injected fault, tests/support/hostile_handler.py) whose jobs
carry canary artifact credentials. For each answer an oracle says what the server must
answer, following its documented order of checks; and:
- an error is a well-formed AWS JSON 1.1 error (`__type` + `message`, the content type,
  `X-Amzn-ErrorType`, a uuid4 `x-amzn-RequestId`) with the oracle's code, and never a 5xx
  unless the request reached the injected fault;
- a success validates against the spec (`validate_response`, `read_poll_for_jobs_response`),
  hands out only seeded jobs of the polled type, each once, at most `maxBatchSize`;
- afterwards the server still answers, every seeded job is either handed out or still
  queued (none lost), its memory grew by less than a generous bound, its log has one access
  line per request, a traceback only for injected faults and no canary secret.
"""

from __future__ import annotations

import collections
import datetime
import json
import os
import random
import re
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pollforjobs import validators, wire

from ..support import canary
from ..support.corpus import has_lone_surrogate
from ..support.hostile_handler import INJECTED_FAULT, SEED_FILE_VARIABLE
from ..support.hostile_harness import CONTENT_TYPE, KeepAlive, Reply, ServerProcess, aws_error, sign
from ..support.strategies import json_near

LIMIT = 32 * 1024  # --max-body-bytes: small, so over-limit bodies are cheap to send
TARGET = "CodePipeline_20150709.PollForJobs"
HYPOTHESIS_BATCHES, BATCH = 300, 20  # 6,000 requests drawn by hypothesis
MUTATED = 6000  # requests mutated by the seeded random part
THREADS = 8
RSS_GROWTH_BOUND_KIB = 64 * 1024  # generous: a leak of a few KiB per request would pass it

ACCESS_KEY = canary.SIGV4_ACCESS_KEY_ID
OTHER_KEY = "AKIDFUZZNOBODY000001"


def action_type(provider: str, category: str = "Test", version: str = "1", owner: str = "Custom") -> dict[str, str]:
    return {"category": category, "owner": owner, "provider": provider, "version": version}


JOB_TYPES = {"FuzzTool": action_type("FuzzTool"), "FuzzBuild": action_type("FuzzBuild", "Build", "2")}
JOBS_PER_TYPE = {"FuzzTool": 1500, "FuzzBuild": 500}
EMPTY_TYPE = action_type("EmptyTool")
FAULT_TYPE = action_type(INJECTED_FAULT)
KNOWN_KEYS = {tuple(t.values()) for t in (*JOB_TYPES.values(), EMPTY_TYPE, FAULT_TYPE)}
POLL_TYPES = [
    *JOB_TYPES.values(),
    EMPTY_TYPE,
    FAULT_TYPE,
    action_type("NoSuchTool"),
    action_type("FuzzTool", version="9"),
    action_type("FuzzTool", owner="AWS"),
    action_type("FuzzTool", owner="ThirdParty", category="Deploy"),
]
PROJECTS = [f"P{n}" for n in range(5)]

# Content types, and whether the server must accept them.
CONTENT_TYPES = {
    CONTENT_TYPE: True,
    "application/x-amz-json-1.1; charset=utf-8": True,
    "Application/X-Amz-JSON-1.1;charset=UTF-8": True,
    'application/x-amz-json-1.1; charset="utf-8"': True,
    "application/x-amz-json-1.1; version=2": True,
    "application/json": False,
    "application/x-amz-json-1.0": False,
    "application/x-amz-json-1.1; charset=latin-1": False,
    "text/plain": False,
    "application/x-amz-json-1.1x": False,
    "": False,
}
TARGETS = [
    TARGET,
    "CodePipeline_20150709.pollForJobs",
    "CodePipeline_20150709.PollForJob",
    "CodePipeline_20150709.DeletePipeline",
    "CodePipeline_20150708.PollForJobs",
    "PollForJobs",
    "",
    "CodePipeline_20150709.PollForJobs.x",
]
PRINTABLE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40)

# Values shaped like secret access keys: the canaries (so the log scan finds them), one with
# no '/' or '+', as about half of real keys have.
KEY_LIKE = canary.KEY_LIKE
NO_SLASH_KEY = canary.SIGV4_SECRET_KEY
assert "/" not in NO_SLASH_KEY and len(NO_SLASH_KEY) == 40

# Tampering after (or instead of) signing, and the code each must get.
TAMPERS = {
    "unsigned": "MissingAuthenticationTokenException",
    "no-date": "IncompleteSignatureException",
    "no-signature-part": "IncompleteSignatureException",
    "no-credential-part": "IncompleteSignatureException",
    "bad-signature": "InvalidSignatureException",
    "changed-date": "InvalidSignatureException",
    "tampered-body": "InvalidSignatureException",
    "tampered-target": "InvalidSignatureException",
    "tampered-content-type": "InvalidSignatureException",
    "unknown-key": "UnrecognizedClientException",
    "wrong-secret": "InvalidSignatureException",
    "wrong-service": "InvalidSignatureException",
    "expired": "InvalidSignatureException",
    "not-yet-current": "InvalidSignatureException",
    # A key-like value where the server reads a header, and may quote it in its answer.
    "key-as-authorization": "IncompleteSignatureException",
    "key-as-algorithm": "IncompleteSignatureException",
    "key-as-signed-headers": "IncompleteSignatureException",
    "key-as-signature": "InvalidSignatureException",
    "key-in-x-amz-date": "IncompleteSignatureException",
    "key-as-scope-date": "InvalidSignatureException",
    "key-as-region": "InvalidSignatureException",
    "key-as-service": "InvalidSignatureException",
    "key-as-terminator": "InvalidSignatureException",
    "key-as-access-key-id": "UnrecognizedClientException",
    "key-in-unsigned-x-amz-header": "IncompleteSignatureException",
    "key-as-content-sha256": "InvalidSignatureException",
    # Oversized or malformed credential scopes (the head stays within h11's 16 KiB).
    "long-region": "InvalidSignatureException",
    "huge-region": "InvalidSignatureException",
    "upper-case-region": "InvalidSignatureException",
    "huge-scope-date": "InvalidSignatureException",
    "huge-terminator": "InvalidSignatureException",
    "huge-access-key-id": "UnrecognizedClientException",
}
# Tampers that replace one part of the credential scope, and its place in it.
SCOPE_PARTS = {
    "key-as-access-key-id": 0,
    "huge-access-key-id": 0,
    "key-as-scope-date": 1,
    "huge-scope-date": 1,
    "key-as-region": 2,
    "key-as-service": 3,
    "key-as-terminator": 4,
    "huge-terminator": 4,
}
# Ways of signing that must be served like a plain signature.
SIGNED = {"signed", "token", "key-as-session-token"}


@dataclass
class Plan:
    """One request to send: `auth` is one of SIGNED or a tamper."""

    kind: str
    body: bytes
    target: str | None = TARGET
    content_type: str | None = CONTENT_TYPE
    extra: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    path: str = "/"
    auth: str = "signed"


# --- the oracle ----------------------------------------------------------------------------


class _Refused(ValueError):
    pass


def _refuse(name: str) -> Any:
    raise _Refused(name)


def parsed(body: bytes) -> tuple[bool, Any]:
    """(True, document) if the body is a JSON text the server must read, else (False, None)."""
    if not body:
        return True, {}
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        document = json.loads(body.decode("utf-8"), parse_constant=_refuse)
    except (ValueError, RecursionError):
        return False, None
    if has_lone_surrogate(document):  # not Unicode text (RFC 8259 8.2, I-JSON)
        return False, None
    return True, document


def expected(plan: Plan) -> str:
    """What the server must answer: "OK" or an error code, in the order it checks."""
    if plan.path != "/":
        return "UnknownOperationException"
    if plan.method != "POST":
        return "UnknownOperationException"
    if len(plan.body) > LIMIT:
        return "RequestEntityTooLargeException"
    if plan.auth not in SIGNED:
        return TAMPERS[plan.auth]
    if plan.target != TARGET:
        return "UnknownOperationException"
    if plan.content_type is None or not CONTENT_TYPES.get(plan.content_type, False):
        return "SerializationException"
    ok, document = parsed(plan.body)
    if not ok:
        return "SerializationException"
    violations = validators.validate_poll_for_jobs_request(document)
    if any(v.kind == "type" for v in violations):
        return "SerializationException"
    if violations:
        return "ValidationException"
    type_id = document["actionTypeId"]
    if type_id["provider"] == INJECTED_FAULT:
        return "InternalFailure"
    if type_id["owner"] != "Custom":
        return "ValidationException"
    if tuple(type_id[k] for k in ("category", "owner", "provider", "version")) not in KNOWN_KEYS:
        return "ActionTypeNotFoundException"
    return "OK"


# --- the campaign --------------------------------------------------------------------------


class Campaign:
    def __init__(self, server: ServerProcess, seeded: dict[str, tuple[str, dict[str, str]]], secret: str) -> None:
        self.server = server
        self.seeded = seeded  # job id -> (provider, configuration)
        self.secret = secret
        self.handed_out: set[str] = set()
        self.sent = 0
        self.by_outcome: collections.Counter[str] = collections.Counter()
        self.by_kind: collections.Counter[str] = collections.Counter()
        self.by_class: collections.Counter[str] = collections.Counter()
        self.faults = 0
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(THREADS, thread_name_prefix="fuzz")

    def close(self) -> None:
        self._pool.shutdown()

    def _connection(self) -> KeepAlive:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = KeepAlive(self.server.port)
        return connection

    def headers_for(self, plan: Plan) -> tuple[dict[str, str], bytes]:
        """The headers and body to send: signed, then tampered as the plan says."""
        headers = dict(plan.extra)
        if plan.target is not None:
            headers["X-Amz-Target"] = plan.target
        if plan.content_type is not None:
            headers["Content-Type"] = plan.content_type
        body = plan.body
        if plan.auth == "unsigned":
            return headers, body
        options: dict[str, Any] = {"access_key": ACCESS_KEY, "secret_key": self.secret}
        now = datetime.datetime.now(datetime.UTC)
        rng = random.Random(len(body) * 64 + len(plan.auth))
        key = rng.choice(KEY_LIKE)
        if plan.auth == "token":
            options["token"] = canary.SIGV4_SESSION_TOKEN
        elif plan.auth == "key-as-session-token":
            options["token"] = key
        elif plan.auth == "key-as-content-sha256":
            headers["X-Amz-Content-Sha256"] = key
        elif plan.auth == "long-region":
            options["region"] = "r" * rng.randint(33, 200)
        elif plan.auth == "huge-region":
            options["region"] = "r" * rng.randint(1000, 12_000)
        elif plan.auth == "upper-case-region":
            options["region"] = rng.choice(["US-EAST-1", "Eu-West-3", "us_east_1", "us-east-1."])
        elif plan.auth == "unknown-key":
            options["access_key"] = OTHER_KEY
        elif plan.auth == "wrong-secret":
            options["secret_key"] = self.secret + "x"
        elif plan.auth == "wrong-service":
            options["service"] = "codebuild"
        elif plan.auth == "expired":
            options["at"] = now - datetime.timedelta(minutes=10)
        elif plan.auth == "not-yet-current":
            options["at"] = now + datetime.timedelta(minutes=10)
        signed = sign(self.server.url, body, headers, **options)
        authorization = signed["Authorization"]
        if plan.auth == "no-date":
            del signed["X-Amz-Date"]
        elif plan.auth == "no-signature-part":
            signed["Authorization"] = re.sub(r", Signature=[0-9a-f]+", "", authorization)
        elif plan.auth == "no-credential-part":
            signed["Authorization"] = re.sub(r"Credential=[^,]+, ", "", authorization)
        elif plan.auth == "bad-signature":
            last = authorization[-1]
            signed["Authorization"] = authorization[:-1] + ("0" if last != "0" else "1")
        elif plan.auth == "changed-date":
            stamp = datetime.datetime.strptime(signed["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
            signed["X-Amz-Date"] = (stamp + datetime.timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
        elif plan.auth == "tampered-body":
            body = _substitute(body, random.Random(len(body)))
        elif plan.auth == "tampered-target":
            signed["X-Amz-Target"] = (plan.target or "") + "X"
        elif plan.auth == "tampered-content-type":
            signed["Content-Type"] = (plan.content_type or "") + "X"
        elif plan.auth == "key-as-authorization":
            signed["Authorization"] = key
        elif plan.auth == "key-as-algorithm":
            signed["Authorization"] = authorization.replace("AWS4-HMAC-SHA256", key, 1)
        elif plan.auth == "key-as-signed-headers":
            signed["Authorization"] = re.sub(r"SignedHeaders=[^,]+", "SignedHeaders=" + key, authorization)
        elif plan.auth == "key-as-signature":
            signed["Authorization"] = re.sub(r"Signature=[0-9a-f]+", "Signature=" + key, authorization)
        elif plan.auth == "key-in-x-amz-date":
            signed["X-Amz-Date"] = key
        elif plan.auth == "key-in-unsigned-x-amz-header":
            signed["X-Amz-Fuzz"] = key
        elif plan.auth in SCOPE_PARTS:
            signed["Authorization"] = _spoiled_scope(authorization, plan.auth, rng)
        return signed, body

    def run(self, plans: list[Plan]) -> None:
        prepared = [(plan, *self.headers_for(plan)) for plan in plans]

        def send(item: tuple[Plan, dict[str, str], bytes]) -> Reply:
            plan, headers, body = item
            return self._connection().send(plan.method, plan.path, headers, body)

        replies = list(self._pool.map(send, prepared))
        for (plan, _, _), reply in zip(prepared, replies, strict=True):
            self.check(plan, reply)

    def check(self, plan: Plan, reply: Reply) -> None:
        self.sent += 1
        self.by_kind[plan.kind] += 1
        self.by_class.update(classes_of(plan))
        want = expected(plan)
        context = f"{plan!r} answered {reply.status} {reply.body[:300]!r}"
        if reply.status == 200:
            assert want == "OK", context
            self._check_success(plan, reply)
            self.by_outcome["200 OK"] += 1
            return
        assert canary.found_in(reply.body.decode("utf-8", "replace")) == [], context
        status, code, _ = aws_error(reply)
        assert code == want, context
        if status >= 500:
            assert code == "InternalFailure", context
            self.faults += 1
        self.by_outcome[f"{status} {code}"] += 1

    def _check_success(self, plan: Plan, reply: Reply) -> None:
        assert reply.headers["content-type"] == CONTENT_TYPE
        assert uuid.UUID(reply.headers["x-amzn-requestid"]).version == 4
        document = reply.json
        assert validators.validate_response(document) == []
        output = wire.read_poll_for_jobs_response(document)
        request = json.loads(plan.body.removeprefix(b"\xef\xbb\xbf") or b"{}")
        jobs = output.jobs or []
        assert len(jobs) <= (request.get("maxBatchSize") or 1)
        wanted = request.get("queryParam") or {}
        for job in jobs:
            assert job.id in self.seeded, job.id
            assert job.id not in self.handed_out, f"job {job.id} handed out twice"
            self.handed_out.add(job.id)
            provider, configuration = self.seeded[job.id]
            assert provider == request["actionTypeId"]["provider"]
            assert all(configuration.get(k) == v for k, v in wanted.items())
            assert job.data and job.data.artifact_credentials
            assert job.data.artifact_credentials.secret_access_key == canary.ARTIFACT_SECRET_KEY


PYTHON_NAME = re.compile(rb'"[a-z0-9]+(?:_[a-z0-9]+)+"\s*:')


def classes_of(plan: Plan) -> list[str]:
    """The issue-8 classes a request belongs to, for the counts the campaign prints."""
    found = []
    if PYTHON_NAME.search(plan.body):
        found.append("snake_case members")
    headers = [plan.target or "", plan.content_type or "", *plan.extra.values()]
    if plan.auth.startswith("key-") or any(key in value for key in KEY_LIKE for value in headers):
        found.append("key-like header values")
    if plan.auth.startswith(("huge-", "long-", "upper-case-")):
        found.append("oversized or malformed scopes")
    return found


def _spoiled_scope(authorization: str, tamper: str, rng: random.Random) -> str:
    """`authorization` with one part of its credential (key id/date/region/service/term)
    replaced: by the key with no '/' (so the credential keeps its five parts), or a long run."""
    credential = re.search(r"Credential=([^,]+)", authorization)
    assert credential
    parts = credential.group(1).split("/")
    part = SCOPE_PARTS[tamper]
    if tamper.startswith("key-as-"):
        parts[part] = NO_SLASH_KEY
    else:
        parts[part] = ("2" if part == 1 else "x") * rng.randint(1000, 12_000)
    return authorization.replace(credential.group(0), "Credential=" + "/".join(parts), 1)


def _substitute(body: bytes, rng: random.Random) -> bytes:
    """`body` with one ASCII letter or digit replaced by another (one more space if it has none)."""
    places = [i for i, b in enumerate(body) if chr(b).isascii() and chr(b).isalnum()]
    if not places:
        return body + b" "
    at = rng.choice(places)
    old = chr(body[at])
    new = rng.choice([c for c in "abcXYZ019" if c != old])
    return body[:at] + new.encode() + body[at + 1 :]


# --- hypothesis: whole requests ------------------------------------------------------------


def valid_body() -> st.SearchStrategy[dict[str, Any]]:
    query = st.one_of(st.just({}), st.builds(lambda p: {"ProjectName": p}, st.sampled_from(PROJECTS)))
    return st.fixed_dictionaries(
        {"actionTypeId": st.sampled_from(POLL_TYPES)},
        optional={
            "maxBatchSize": st.integers(1, 6),
            "queryParam": query,
            # Python names are unknown members on the wire: ignored, whatever their values.
            "max_batch_size": st.one_of(st.integers(-3, 1000), st.sampled_from(["5", "x", None, 2.5])),
            "query_param": st.one_of(query, st.builds(lambda n: {"k" * n: "x"}, st.integers(51, 3000)), st.just(7)),
            "action_type_id": st.sampled_from([*POLL_TYPES, None, "x"]),
        },
    )


def planned(service: Any) -> st.SearchStrategy[Plan]:
    near = json_near(service, service.shape("PollForJobsInput"), python_names=True)

    def encode(value: Any, ascii_only: bool) -> bytes:
        return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")

    bodies = st.builds(encode, st.one_of(near, valid_body(), valid_body()), st.booleans())
    near_plans = st.builds(lambda body: Plan("json-near-input", body), st.builds(encode, near, st.booleans()))
    valid_plans = st.builds(
        lambda body, auth: Plan("valid-poll", body, auth=auth),
        st.builds(encode, valid_body(), st.booleans()),
        st.sampled_from(["signed", "signed", "token", "key-as-session-token"]),
    )
    key_like = st.sampled_from(KEY_LIKE)
    header_plans = st.builds(
        lambda body, target, content_type, extra: Plan("fuzzed-headers", body, target, content_type, extra),
        bodies,
        st.one_of(
            st.sampled_from([*TARGETS, None]),
            PRINTABLE,
            key_like,
            st.builds(lambda key: TARGET.split(".")[0] + "." + key, key_like),
        ),
        st.one_of(
            st.sampled_from([*CONTENT_TYPES, None]),
            st.builds(lambda s: "application/fuzz-" + s, PRINTABLE),
            key_like,
            st.builds(lambda key: CONTENT_TYPE + "; charset=" + key, key_like),
        ),
        st.dictionaries(st.from_regex(r"X-Fuzz-[A-Za-z0-9]{1,8}", fullmatch=True), st.one_of(PRINTABLE, key_like), max_size=3),
    )
    route_plans = st.builds(
        lambda body, method, path: Plan("fuzzed-method-or-path", body, method=method, path=path),
        bodies,
        st.sampled_from(["POST", "GET", "PUT", "DELETE", "PATCH", "OPTIONS"]),
        st.sampled_from(["/", "/x", "//", "/%2F", "/PollForJobs", "/../", "/%00"]),
    )
    tamper_plans = st.builds(
        lambda body, auth: Plan("tampered-signature", body, auth=auth), bodies, st.sampled_from(sorted(TAMPERS))
    )
    junk_plans = st.builds(
        lambda body: Plan("random-bytes", body),
        st.one_of(
            st.binary(max_size=300), st.builds(lambda t: t.encode("utf-8", "surrogatepass"), st.text(max_size=200))
        ),
    )
    oversize_plans = st.builds(
        lambda body, extra: Plan("over-the-limit", body + b" " * (LIMIT + 1 - len(body) + extra)),
        bodies,
        st.integers(0, 64),
    )
    return st.one_of(
        near_plans,
        near_plans,
        near_plans,
        valid_plans,
        valid_plans,
        header_plans,
        route_plans,
        tamper_plans,
        tamper_plans,
        junk_plans,
        oversize_plans,
    )


# --- seeded random mutations ---------------------------------------------------------------

# fmt: off
TOKENS = [
    b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"-0", b"0.5", b"2147483648", b"9" * 5000,
    b"18446744073709551616", b"true", b"false", b"null", b'"\\ud800"', b'"\\udc00x"', b'"\\ud83d\\ude00"',
    b'"\\u0000"', b"\xef\xbb\xbf", b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"[" * 3000, b'{"a":' * 3000,
    b",", b":", b'"', b"\\", b"{}", b"[]", b'{"maxBatchSize": 1}', b'"maxBatchSize"', b'"actionTypeId"', b"\r\n",
    b"\t", "\u2028".encode(), "é".encode(), b'"Custom"', b'"AWS"', b'"InjectFault"', b'"FuzzTool"',
]
# fmt: on


def mutate(body: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 3)):
        choice = rng.randrange(7)
        at = rng.randint(0, len(body))
        if choice == 0 and body:  # replace a byte
            at = min(at, len(body) - 1)
            body = body[:at] + bytes([rng.randrange(256)]) + body[at + 1 :]
        elif choice == 1:  # insert a token
            body = body[:at] + rng.choice(TOKENS) + body[at:]
        elif choice == 2:  # cut a slice out
            body = body[:at] + body[at + rng.randint(1, 12) :]
        elif choice == 3:  # truncate
            body = body[:at]
        elif choice == 4:  # repeat a slice
            end = min(len(body), at + rng.randint(1, 20))
            body = body[:end] + body[at:end] + body[end:]
        elif choice == 5:  # swap a value for a token
            body = (
                re.sub(rb'(:\s*)("[^"]*"|\d+)', lambda m: m.group(1) + rng.choice(TOKENS), body, count=1)
                if rng.random() < 0.5
                else re.sub(rb'("[^"]*"|\d+)(\s*[,}])', lambda m: rng.choice(TOKENS) + m.group(2), body, count=1)
            )
        else:  # flip a bit
            if body:
                at = min(at, len(body) - 1)
                body = body[:at] + bytes([body[at] ^ (1 << rng.randrange(8))]) + body[at + 1 :]
    return body


def mutated_plans(rng: random.Random, count: int) -> Iterator[Plan]:
    for _ in range(count):
        request: dict[str, Any] = {"actionTypeId": rng.choice(POLL_TYPES)}
        if rng.random() < 0.6:
            request["maxBatchSize"] = rng.randint(1, 6)
        if rng.random() < 0.4:
            request["queryParam"] = {"ProjectName": rng.choice(PROJECTS)}
        body = json.dumps(request, separators=(",", ":") if rng.random() < 0.5 else (", ", ": ")).encode()
        if rng.random() < 0.9:
            yield Plan("mutated-bytes", mutate(body, rng))
        else:
            yield Plan("mutated-bytes+tampered-signature", mutate(body, rng), auth=rng.choice(sorted(TAMPERS)))


# --- the test ------------------------------------------------------------------------------


def seed_document() -> tuple[dict[str, Any], dict[str, tuple[str, dict[str, str]]]]:
    jobs, seeded = [], {}
    for provider, count in JOBS_PER_TYPE.items():
        for n in range(count):
            job_id = str(uuid.uuid4())
            configuration = {"ProjectName": PROJECTS[n % len(PROJECTS)]}
            seeded[job_id] = (provider, configuration)
            jobs.append(
                {
                    "id": job_id,
                    "data": {
                        "actionTypeId": JOB_TYPES[provider],
                        "actionConfiguration": {"configuration": configuration},
                        "artifactCredentials": canary.ARTIFACT_CREDENTIALS,
                    },
                }
            )
    return {"actionTypes": [EMPTY_TYPE, FAULT_TYPE], "jobs": jobs}, seeded


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campaign]:
    folder = tmp_path_factory.mktemp("fuzz")
    seed, seeded = seed_document()
    (folder / "seed.json").write_text(json.dumps(seed), encoding="utf-8")
    (folder / "credentials.json").write_text(json.dumps({ACCESS_KEY: canary.SIGV4_SECRET_KEY}), encoding="utf-8")
    arguments = (
        "--handler",
        "tests.support.hostile_handler:FaultyQueue",
        "--credentials",
        str(folder / "credentials.json"),
        "--max-body-bytes",
        str(LIMIT),
        "--log-level",
        "debug",
    )
    with ServerProcess(*arguments, env={SEED_FILE_VARIABLE: str(folder / "seed.json")}) as server:
        running = Campaign(server, seeded, canary.SIGV4_SECRET_KEY)
        try:
            yield running
        finally:
            running.close()


def drain(campaign: Campaign, provider: str) -> int:
    """Poll every job still queued for `provider` (checked like the others); how many came."""
    before = len(campaign.handed_out)
    while True:
        count = len(campaign.handed_out)
        body = json.dumps({"actionTypeId": JOB_TYPES[provider], "maxBatchSize": 1000}).encode()
        campaign.run([Plan("drain", body)])
        if len(campaign.handed_out) == count:
            return count - before


def test_fuzz_campaign(campaign: Campaign, service: Any) -> None:
    server = campaign.server
    campaign.run([Plan("warm-up", json.dumps({"actionTypeId": EMPTY_TYPE}).encode())] * 200)
    rss_before = server.rss_kib()

    @settings(
        max_examples=HYPOTHESIS_BATCHES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(st.lists(planned(service), min_size=BATCH, max_size=BATCH))
    def hypothesis_part(plans: list[Plan]) -> None:
        campaign.run(plans)

    hypothesis_part()
    drawn = campaign.sent
    seed = int(os.environ.get("FUZZ_SEED", random.SystemRandom().randrange(2**32)))
    print(f"\nmutation seed: {seed} (FUZZ_SEED={seed} repeats this part)")
    rng = random.Random(seed)
    plans = list(mutated_plans(rng, MUTATED))
    for start in range(0, len(plans), 200):
        campaign.run(plans[start : start + 200])
    mutated = campaign.sent - drawn

    drained = {provider: drain(campaign, provider) for provider in JOB_TYPES}
    rss_after = server.rss_kib()
    total = campaign.sent
    print(
        f"requests sent: {total} ({drawn} drawn by hypothesis incl. 200 warm-up, {mutated} mutated, the rest draining)"
    )
    print(f"by kind: {dict(sorted(campaign.by_kind.items()))}")
    print(f"by answer: {dict(sorted(campaign.by_outcome.items()))}")
    print(f"new classes (issue 8): {dict(sorted(campaign.by_class.items()))}")
    print(f"injected faults answered 500 InternalFailure: {campaign.faults}")
    print(f"jobs handed out: {len(campaign.handed_out)} of {len(campaign.seeded)} (drained at the end: {drained})")
    print(f"server RSS: {rss_before} KiB after warm-up, {rss_after} KiB after the campaign")

    assert drawn >= HYPOTHESIS_BATCHES * BATCH and mutated == MUTATED and total >= 10_000
    for name in ("snake_case members", "key-like header values", "oversized or malformed scopes"):
        assert campaign.by_class[name] >= 100, (name, campaign.by_class)
    # Nothing lost: every seeded job came out exactly once (draining polled the rest).
    assert campaign.handed_out == set(campaign.seeded)
    assert server.alive()
    assert rss_after - rss_before < RSS_GROWTH_BOUND_KIB

    # The log: one access line per request, tracebacks only for the injected faults, no secrets.
    assert server.wait_for_lines(r"pollforjobs\.server INFO target=", total) == total
    log = server.log()
    assert canary.found_in(log) == []
    assert log.count("Traceback (most recent call last)") == campaign.faults
    assert log.count("InjectedFault: a fault injected by the test handler") == campaign.faults
    for bad in (
        "model refused a request the validators accepted",
        "Exception in ASGI application",
        "Invalid HTTP request",
    ):
        assert bad not in log
