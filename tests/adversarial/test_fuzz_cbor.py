"""A fuzz campaign in Smithy RPC v2 CBOR against `python -m pollforjobs.server` (which speaks
AWS JSON too, on the same port), over real HTTP on 127.0.0.1.

At least 5,000 CBOR requests per run, in two parts: hypothesis draws whole requests (values
near the input shape from `strategies.json_near` and valid polls, encoded by cbor2 with
definite or indefinite lengths; fuzzed Smithy-Protocol, Content-Type and Accept headers, paths
and methods; random bytes; hand-made malformed items), and a seeded random part mutates the
bytes of valid CBOR requests (flips, cuts, truncation, inserted CBOR heads: huge lengths,
breaks, tags, undefined, reserved values). Every request is SigV4-signed for its path.

The oracle decodes each body independently of the server, with cbor2 (duplicate keys refused,
bytes after the item and every tag but 1 refused, then the decoded value walked for what the
protocol does not carry), and predicts the answer from the package's validators, in the
server's order of checks; a byte string is handed to them as the protocol types it, base64 text
that only a blob member takes (`ByteStringText`), so one sent for a string member is a wrong
type. Every answer is a CBOR map (`__type` + `message` for an error) with
`Smithy-Protocol: rpc-v2-cbor`; no 5xx but the injected fault; the server keeps serving, hands
out each job once, its memory stays bounded and its log has one access line per request.
"""

from __future__ import annotations

import collections
import io
import json
import math
import os
import random
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pollforjobs import validators
from pollforjobs._runtime.validation import ByteStringText

from ..support import canary
from ..support.hostile_handler import INJECTED_FAULT, SEED_FILE_VARIABLE
from ..support.hostile_harness import PROTOCOL_STATUSES, KeepAlive, Reply, ServerProcess, sign
from ..support.strategies import json_near

LIMIT = 32 * 1024
PATH = "/service/CodePipeline_20150709/operation/PollForJobs"
HYPOTHESIS_BATCHES, BATCH = 150, 20  # 3,000 drawn by hypothesis
MUTATED = 3000
THREADS = 8
RSS_GROWTH_BOUND_KIB = 64 * 1024
ACCESS_KEY = canary.SIGV4_ACCESS_KEY_ID
MAX_DEPTH = 64


def action_type(provider: str, category: str = "Test", version: str = "1", owner: str = "Custom") -> dict[str, str]:
    return {"category": category, "owner": owner, "provider": provider, "version": version}


JOB_TYPE = action_type("CborTool")
JOBS = 1000
EMPTY_TYPE = action_type("EmptyTool")
FAULT_TYPE = action_type(INJECTED_FAULT)
KNOWN_KEYS = {tuple(t.values()) for t in (JOB_TYPE, EMPTY_TYPE, FAULT_TYPE)}
POLL_TYPES = [JOB_TYPE, EMPTY_TYPE, FAULT_TYPE, action_type("NoSuchTool"), action_type("CborTool", owner="AWS")]
HEADERS = {"Smithy-Protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Accept": "application/cbor"}
SMITHY_PROTOCOLS = {"rpc-v2-cbor": True, "rpc-v2-json": False, "RPC-V2-CBOR": False, "": False}
CONTENT_TYPES = {"application/cbor": True, "Application/CBOR": True, "application/json": False, "application/x-amz-json-1.1": False, "text/plain": False}
ACCEPTS = {"application/cbor": True, "*/*": True, "application/*": True, "application/json, application/cbor": True, "application/json": False, "application/cbor;q=0": False}
PATHS = {PATH: "OK", "/service/CodePipeline_20150709/operation/PollForJob": "unknown", "/service/CodePipeline/operation/PollForJobs": "unknown", "/prefix" + PATH: "OK", "/service//operation/PollForJobs": "route", "/service/CodePipeline_20150709/operation/": "route"}


@dataclass
class Plan:
    kind: str
    body: bytes
    headers: dict[str, str | None] = field(default_factory=dict)  # None: left out
    path: str = PATH
    method: str = "POST"


class _Malformed(ValueError):
    pass


def _refuse_tag(decoder: object, tag: object) -> Any:
    raise _Malformed("tag")


def _no_other_tag(value: Any, _immutable: bool) -> Any:
    raise _Malformed("tag")


def _timestamp(value: Any, _immutable: bool) -> Any:
    if type(value) not in (int, float):
        raise _Malformed("timestamp")
    return value


# Every tag cbor2 decodes itself is refused, but 1 (a timestamp, which must hold a number).
_TAGS = {tag: _no_other_tag for tag in (0, *range(2, 6), 21, 22, 23, 24, 25, 28, 29, 30, 32, 35, 36, 37, 52, 54, 256, 258, 260, 261, 55799)}
_TAGS[1] = _timestamp


def oracle_decode(body: bytes) -> tuple[bool, Any]:
    """(True, value) when the protocol must read `body`, decoded by cbor2, not by the server."""
    if not body:
        return True, {}
    stream = io.BytesIO(body)
    try:
        value = cbor2.CBORDecoder(stream, tag_hook=_refuse_tag, semantic_decoders=_TAGS, allow_duplicate_keys=False, max_depth=MAX_DEPTH + 1).decode()
    except (cbor2.CBORDecodeError, _Malformed, ValueError, OverflowError, RecursionError, EOFError):
        return False, None
    if stream.tell() != len(body) or not _carried(value, 0):
        return False, None
    return True, value


def _carried(value: Any, depth: int) -> bool:
    if isinstance(value, dict):
        return depth < MAX_DEPTH and all(isinstance(k, str) and _carried(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return depth < MAX_DEPTH and all(_carried(v, depth + 1) for v in value)
    return value is None or type(value) in (bool, int, float, str, bytes)


def _as_wire(value: Any) -> Any:
    import base64

    if isinstance(value, bytes):
        return ByteStringText(base64.b64encode(value).decode("ascii"))
    if isinstance(value, dict):
        return {k: _as_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_wire(v) for v in value]
    return value


def expected(plan: Plan) -> str:
    route = PATHS.get(plan.path, "route")
    if route == "route":
        return "UnknownOperationException"
    if plan.method != "POST":
        return "UnknownOperationException"
    if len(plan.body) > LIMIT:
        return "RequestEntityTooLargeException"
    if route == "unknown":
        return "UnknownOperationException"
    headers = {**HEADERS, **plan.headers}
    if not SMITHY_PROTOCOLS.get(headers["Smithy-Protocol"] or "", False):
        return "SerializationException"
    if headers["Content-Type"] is not None and not CONTENT_TYPES[headers["Content-Type"]]:
        return "SerializationException"
    if headers["Accept"] is not None and not ACCEPTS[headers["Accept"]]:
        return "NotAcceptableException"
    ok, value = oracle_decode(plan.body)
    if not ok:
        return "SerializationException"
    document = _as_wire(value)
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


class Campaign:
    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.handed_out: set[str] = set()
        self.seeded: set[str] = set()
        self.sent = 0
        self.faults = 0
        self.by_kind: collections.Counter[str] = collections.Counter()
        self.by_outcome: collections.Counter[str] = collections.Counter()
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(THREADS, thread_name_prefix="fuzz-cbor")

    def _connection(self) -> KeepAlive:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = KeepAlive(self.server.port)
        return connection

    def run(self, plans: list[Plan]) -> None:
        def send(plan: Plan) -> Reply:
            headers = {k: v for k, v in {**HEADERS, **plan.headers}.items() if v is not None}
            signed = sign(self.server.url, plan.body, headers, access_key=ACCESS_KEY, secret_key=canary.SIGV4_SECRET_KEY, path=plan.path)
            return self._connection().send(plan.method, plan.path, signed, plan.body)

        for plan, reply in zip(plans, list(self._pool.map(send, plans)), strict=True):
            self.check(plan, reply)

    def check(self, plan: Plan, reply: Reply) -> None:
        self.sent += 1
        self.by_kind[plan.kind] += 1
        want = expected(plan)
        context = f"{plan!r} answered {reply.status} {reply.body[:300]!r}"
        assert reply.headers.get("smithy-protocol") == "rpc-v2-cbor", context
        assert reply.headers.get("content-type") == "application/cbor", context
        assert uuid.UUID(reply.headers["x-amzn-requestid"]).version == 4, context
        document = cbor2.loads(reply.body)
        if reply.status == 200:
            assert want == "OK", context
            request = _as_wire(oracle_decode(plan.body)[1])
            jobs = document.get("jobs", [])
            assert validators.validate_response(document) == [], context
            assert len(jobs) <= (request.get("maxBatchSize") or 1), context
            for job in jobs:
                assert job["id"] in self.seeded and job["id"] not in self.handed_out, job["id"]
                self.handed_out.add(job["id"])
            self.by_outcome["200 OK"] += 1
            return
        assert isinstance(document, dict) and set(document) == {"__type", "message"}, context
        code = document["__type"]
        assert code == want, context
        assert reply.status in PROTOCOL_STATUSES.get(code, {406} if code == "NotAcceptableException" else set()), context
        assert canary.found_in(reply.body.decode("utf-8", "replace")) == [], context
        if reply.status >= 500:
            assert code == "InternalFailure", context
            self.faults += 1
        self.by_outcome[f"{reply.status} {code}"] += 1


def valid_value() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"actionTypeId": st.sampled_from(POLL_TYPES)},
        optional={"maxBatchSize": st.integers(1, 6), "queryParam": st.just({"ProjectName": "P1"}), "max_batch_size": st.integers(-3, 9)},
    )


# Hand-made items the server must refuse (and the oracle must see as malformed).
MALFORMED = [
    "a16161", "bf616101", "a1616101ff", "ff", "a161617a7fffffff41", "9b00000000ffffffff", "a16161c0613f", "d81c81d81d00",
    "a16174c16161", "a10101", "a1416101", "a2616101616102", "a16161f7", "a16161f0", "a161611c", "a1616162c328", "1f",
    "81" * (MAX_DEPTH + 1) + "01", "5f6161ff",
]


def planned(service: Any) -> st.SearchStrategy[Plan]:
    near = json_near(service, service.shape("PollForJobsInput"))
    values = st.one_of(near, valid_value(), valid_value())
    bodies = st.builds(lambda v, indefinite: cbor2.dumps(v, indefinite_containers=indefinite), values, st.booleans())
    return st.one_of(
        st.builds(lambda b: Plan("cbor-near-input", b), bodies),
        st.builds(lambda b: Plan("valid-poll", b), st.builds(cbor2.dumps, valid_value())),
        st.builds(
            lambda b, p, c, a: Plan("fuzzed-headers", b, {"Smithy-Protocol": p, "Content-Type": c, "Accept": a}),
            bodies,
            st.sampled_from(sorted(SMITHY_PROTOCOLS)),
            st.sampled_from([*CONTENT_TYPES, None]),
            st.sampled_from([*ACCEPTS, None]),
        ),
        st.builds(lambda b, path, method: Plan("fuzzed-path-or-method", b, path=path, method=method), bodies, st.sampled_from(sorted(PATHS)), st.sampled_from(["POST", "POST", "GET", "PUT"])),
        st.builds(lambda b: Plan("random-bytes", b), st.binary(max_size=200)),
        st.builds(lambda h: Plan("malformed-item", bytes.fromhex(h)), st.sampled_from(MALFORMED)),
        st.builds(lambda b, n: Plan("over-the-limit", b + b"\x00" * (LIMIT + 1 - len(b) + n)), bodies, st.integers(0, 32)),
    )


HEADS = [b"\x1b\xff\xff\xff\xff\xff\xff\xff\xff", b"\x7a\x7f\xff\xff\xff", b"\x9f", b"\xbf", b"\xff", b"\xc0", b"\xd8\x1c", b"\xc1", b"\xf7", b"\xfc", b"\x5f", b"\xf9\x7e\x00", b"\xfb\x7f\xf0\x00\x00\x00\x00\x00\x00", b"\x81" * 80]


def mutate(body: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(0, len(body))
        choice = rng.randrange(5)
        if choice == 0 and body:
            at = min(at, len(body) - 1)
            body = body[:at] + bytes([body[at] ^ (1 << rng.randrange(8))]) + body[at + 1 :]
        elif choice == 1:
            body = body[:at] + rng.choice(HEADS) + body[at:]
        elif choice == 2:
            body = body[:at] + body[at + rng.randint(1, 8) :]
        elif choice == 3:
            body = body[:at]
        elif body:
            at = min(at, len(body) - 1)
            body = body[:at] + bytes([rng.randrange(256)]) + body[at + 1 :]
    return body


def mutated_plans(rng: random.Random, count: int) -> Iterator[Plan]:
    for _ in range(count):
        request: dict[str, Any] = {"actionTypeId": rng.choice(POLL_TYPES)}
        if rng.random() < 0.6:
            request["maxBatchSize"] = rng.randint(1, 6)
        body = cbor2.dumps(request, indefinite_containers=rng.random() < 0.3)
        yield Plan("mutated-bytes", mutate(body, rng))


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campaign]:
    folder = tmp_path_factory.mktemp("fuzz-cbor")
    jobs = [{"id": str(uuid.uuid4()), "data": {"actionTypeId": JOB_TYPE, "artifactCredentials": canary.ARTIFACT_CREDENTIALS}} for _ in range(JOBS)]
    (folder / "seed.json").write_text(json.dumps({"actionTypes": [EMPTY_TYPE, FAULT_TYPE], "jobs": jobs}), encoding="utf-8")
    (folder / "credentials.json").write_text(json.dumps({ACCESS_KEY: canary.SIGV4_SECRET_KEY}), encoding="utf-8")
    arguments = ("--handler", "tests.support.hostile_handler:FaultyQueue", "--credentials", str(folder / "credentials.json"), "--max-body-bytes", str(LIMIT), "--log-level", "debug")
    with ServerProcess(*arguments, env={SEED_FILE_VARIABLE: str(folder / "seed.json")}) as server:
        running = Campaign(server)
        running.seeded = {job["id"] for job in jobs}
        try:
            yield running
        finally:
            running._pool.shutdown()


def test_the_oracle_refuses_every_hand_made_malformed_item() -> None:
    assert [h for h in MALFORMED if oracle_decode(bytes.fromhex(h))[0]] == []
    assert oracle_decode(bytes.fromhex("bf6161c11a50000000ff")) == (True, {"a": 1342177280})
    assert math.isnan(oracle_decode(bytes.fromhex("a1616ef97e00"))[1]["n"])


def test_cbor_fuzz_campaign(campaign: Campaign, service: Any) -> None:
    server = campaign.server
    campaign.run([Plan("warm-up", cbor2.dumps({"actionTypeId": EMPTY_TYPE}))] * 100)
    rss_before = server.rss_kib()

    @settings(max_examples=HYPOTHESIS_BATCHES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(st.lists(planned(service), min_size=BATCH, max_size=BATCH))
    def hypothesis_part(plans: list[Plan]) -> None:
        campaign.run(plans)

    hypothesis_part()
    drawn = campaign.sent
    seed = int(os.environ.get("FUZZ_SEED", random.SystemRandom().randrange(2**32)))
    print(f"\nCBOR mutation seed: {seed} (FUZZ_SEED={seed} repeats this part)")
    plans = list(mutated_plans(random.Random(seed), MUTATED))
    for start in range(0, len(plans), 200):
        campaign.run(plans[start : start + 200])
    mutated = campaign.sent - drawn
    while True:
        before = len(campaign.handed_out)
        campaign.run([Plan("drain", cbor2.dumps({"actionTypeId": JOB_TYPE, "maxBatchSize": 1000}))])
        if len(campaign.handed_out) == before:
            break
    rss_after = server.rss_kib()
    total = campaign.sent
    print(f"CBOR requests sent: {total} ({drawn} drawn by hypothesis incl. 100 warm-up, {mutated} mutated, the rest draining)")
    print(f"by kind: {dict(sorted(campaign.by_kind.items()))}")
    print(f"by answer: {dict(sorted(campaign.by_outcome.items()))}")
    print(f"injected faults answered 500 InternalFailure: {campaign.faults}; server RSS {rss_before} -> {rss_after} KiB")

    assert drawn >= HYPOTHESIS_BATCHES * BATCH and mutated == MUTATED and total >= 5_000
    assert campaign.by_outcome["400 SerializationException"] >= 500 and campaign.by_outcome["200 OK"] >= 100
    assert campaign.handed_out == campaign.seeded
    assert server.alive()
    assert rss_after - rss_before < RSS_GROWTH_BOUND_KIB
    assert server.wait_for_lines(r"pollforjobs\.server INFO target=", total) == total
    log = server.log()
    assert canary.found_in(log) == []
    assert log.count("Traceback (most recent call last)") == campaign.faults
    assert "Exception in ASGI application" not in log and "model refused a request the validators accepted" not in log
