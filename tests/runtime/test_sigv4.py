"""SigV4 verification (runtime.sigv4) against requests signed by botocore's signer, the one
boto3 and the AWS CLI use, and by the client's own signer (runtime.signing), which must sign
byte for byte as botocore does."""

from __future__ import annotations

import calendar
import json
import sys
import threading
import time
from collections.abc import Callable

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from runtime.signing import sign
from runtime.sigv4 import SignatureError, SigV4Verifier

KEY, SECRET = "AKIDRUNTIMESIGV4TEST", "runtime/sigv4/secret/00000000000000000001"
HOST = "widgets.example.com"
BODY = json.dumps({"name": "bolt"}).encode()
TARGET = "Widgets_20240101.PutWidget"
Headers = list[tuple[bytes, bytes]]


def botocore_signed(
    path: str = "/", body: bytes = BODY, *, secret: str = SECRET, token: str | None = None, service: str = "widgets"
) -> Headers:
    request = AWSRequest(
        method="POST",
        url=f"https://{HOST}{path}",
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET},
    )
    SigV4Auth(Credentials(KEY, secret, token), service, "eu-west-1").add_auth(request)
    return [(b"host", HOST.encode())] + [(k.lower().encode(), v.encode()) for k, v in request.headers.items()]


def verify(headers: Headers, body: bytes = BODY, *, path: str = "/", query: bytes = b"", clock: Callable[[], float] = time.time) -> str:
    return SigV4Verifier({KEY: SECRET}, service="widgets", clock=clock).verify("POST", path, query, headers, body)


def refused(headers: Headers, body: bytes = BODY, **options: object) -> SignatureError:
    with pytest.raises(SignatureError) as caught:
        verify(headers, body, **options)  # type: ignore[arg-type]
    return caught.value


def test_a_botocore_signed_request_verifies() -> None:
    assert verify(botocore_signed()) == KEY


def test_a_botocore_signed_request_with_a_session_token_verifies() -> None:
    headers = botocore_signed(token="session-token-value")
    assert (b"x-amz-security-token", b"session-token-value") in headers
    assert verify(headers) == KEY


def test_a_botocore_signed_query_and_path_verify() -> None:
    headers = botocore_signed("/service/Widgets/operation/PutWidget?b=2&a=1")
    assert verify(headers, path="/service/Widgets/operation/PutWidget", query=b"b=2&a=1") == KEY
    assert refused(headers, path="/service/Widgets/operation/GetWidget", query=b"b=2&a=1").code == "InvalidSignatureException"


def test_the_client_signer_and_the_verifier_agree() -> None:
    credentials = Credentials(KEY, SECRET, None).get_frozen_credentials()
    signed = sign(credentials, "widgets", "eu-west-1", "/", BODY, {"Host": HOST, "X-Amz-Target": TARGET})
    assert verify([(k.lower().encode(), v.encode()) for k, v in signed.items()]) == KEY


def test_a_changed_body_is_a_mismatch() -> None:
    failure = refused(botocore_signed(), BODY + b" ")
    assert failure.code == "InvalidSignatureException"
    assert failure.message.startswith("The request signature we calculated does not match")


def test_a_changed_target_is_a_mismatch() -> None:
    headers = [(k, b"Widgets_20240101.DeleteWidget" if k == b"x-amz-target" else v) for k, v in botocore_signed()]
    assert refused(headers).code == "InvalidSignatureException"


def test_a_wrong_secret_is_a_mismatch() -> None:
    assert refused(botocore_signed(secret="not/the/secret")).code == "InvalidSignatureException"


def test_an_unknown_key_is_an_unrecognized_client() -> None:
    headers = botocore_signed()
    with pytest.raises(SignatureError) as caught:
        SigV4Verifier({"AKIDSOMEONEELSE": SECRET}, service="widgets").verify("POST", "/", b"", headers, BODY)
    assert caught.value.code == "UnrecognizedClientException"


def test_another_services_signature_is_refused_by_scope() -> None:
    failure = refused(botocore_signed(service="gadgets"))
    assert (failure.code, failure.message) == ("InvalidSignatureException", "Credential should be scoped to correct service: 'widgets'. ")


def test_an_unsigned_amz_header_is_an_incomplete_signature() -> None:
    failure = refused(botocore_signed() + [(b"x-amz-extra", b"1")])
    assert failure.code == "IncompleteSignatureException"
    assert "'x-amz-extra' must be a 'SignedHeader'" in failure.message


def test_outside_the_clock_skew_the_signature_has_expired_or_is_not_yet_current() -> None:
    headers = botocore_signed()
    assert refused(headers, clock=lambda: time.time() + 301).message.startswith("Signature expired: ")
    assert refused(headers, clock=lambda: time.time() - 301).message.startswith("Signature not yet current: ")
    assert verify(headers, clock=lambda: time.time() + 250) == KEY


def test_no_authorization_is_a_missing_token() -> None:
    failure = refused([(b"host", HOST.encode())])
    assert (failure.code, failure.message) == ("MissingAuthenticationTokenException", "Missing Authentication Token")


def test_the_signing_name_must_be_given() -> None:
    with pytest.raises(TypeError):
        SigV4Verifier({KEY: SECRET})  # type: ignore[call-arg]


def test_the_client_signer_adds_the_session_token_and_the_verifier_agrees() -> None:
    credentials = Credentials(KEY, SECRET, "session-token-value").get_frozen_credentials()
    unsigned = {"Host": HOST, "X-Amz-Target": TARGET}
    signed = sign(credentials, "widgets", "eu-west-1", "/", BODY, unsigned)
    assert list(signed) == ["Host", "X-Amz-Target", "X-Amz-Security-Token", "X-Amz-Date", "Authorization"]
    assert signed["X-Amz-Security-Token"] == "session-token-value"
    assert "x-amz-security-token" in signed["Authorization"].split("SignedHeaders=", 1)[1]
    assert unsigned == {"Host": HOST, "X-Amz-Target": TARGET}
    assert verify([(k.lower().encode(), v.encode()) for k, v in signed.items()]) == KEY


def botocore_signature(path: str, headers: dict[str, str], token: str | None, stamp: str) -> dict[str, str]:
    """botocore's SigV4Auth signing at `stamp`: its own steps, given the time add_auth would read."""
    request = AWSRequest(method="POST", url=f"https://{HOST}{path}", data=BODY, headers=headers)
    request.context["timestamp"] = stamp
    signer = SigV4Auth(Credentials(KEY, SECRET, token), "widgets", "eu-west-1")
    signer._modify_request_before_signing(request)
    canonical = signer.canonical_request(request)
    signer._inject_signature_to_request(request, signer.signature(signer.string_to_sign(request, canonical), request))
    return dict(request.headers.items())


@pytest.mark.parametrize("token", [None, "session/token+value=="])
@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/", {"Host": HOST, "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET}),
        ("", {"Host": HOST, "X-Amz-Target": TARGET, "User-Agent": "widgets-client/1 python/3.11"}),
        ("/service/Widgets/operation/PutWidget", {"Host": HOST, "Smithy-Protocol": "rpc-v2-cbor", "Accept": "application/cbor", "Content-Type": "application/cbor"}),
        ("/prefix/a%20b/./c/../d//e~f/", {"Host": HOST, "X-Amz-Target": TARGET, "X-Spaced": "  two   spaces\tand a tab  "}),
        ("/../x/..", {"Host": f"{HOST}:8443", "Content-Encoding": "gzip", "X-Amz-Target": TARGET}),
    ],
    ids=["json", "no path", "cbor", "dot segments and blanks", "above the root"],
)
def test_the_client_signer_signs_byte_for_byte_as_botocore(path: str, headers: dict[str, str], token: str | None) -> None:
    credentials = Credentials(KEY, SECRET, token).get_frozen_credentials()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    ours = sign(credentials, "widgets", "eu-west-1", path, BODY, headers, signed_at=stamp)
    theirs = botocore_signature(path, headers, token, stamp)
    assert ours["Authorization"] == theirs["Authorization"]
    assert ours == {**headers, **theirs}
    assert ours["X-Amz-Date"] == stamp and ("X-Amz-Security-Token" in ours) == bool(token)


def test_the_client_signature_is_made_now_and_verifies() -> None:
    credentials = Credentials(KEY, SECRET, None).get_frozen_credentials()
    before = time.time()
    signed = sign(credentials, "widgets", "eu-west-1", "/", BODY, {"Host": HOST, "X-Amz-Target": TARGET})
    made = calendar.timegm(time.strptime(signed["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
    assert before - 1 <= made <= time.time()
    assert verify([(k.lower().encode(), v.encode()) for k, v in signed.items()]) == KEY


def test_a_verifier_that_has_seen_a_valid_signature_refuses_the_same_tampering() -> None:
    """The parts of an Authorization header before its signature are parsed once they have
    verified: every later request under them is still checked whole."""
    verifier = SigV4Verifier({KEY: SECRET}, service="widgets")
    good = botocore_signed()

    def code(headers: Headers, body: bytes = BODY) -> str:
        try:
            return verifier.verify("POST", "/", b"", headers, body)
        except SignatureError as failure:
            return failure.code

    assert code(good) == KEY
    assert len(verifier._authorizations) == 1
    changed_target = [(k, b"Widgets_20240101.DeleteWidget" if k == b"x-amz-target" else v) for k, v in good]
    other_day = [(k, b"20200101" + v[8:] if k == b"x-amz-date" else v) for k, v in good]
    assert code(good, BODY + b" ") == "InvalidSignatureException"
    assert code(changed_target) == "InvalidSignatureException"
    assert code(botocore_signed(secret="not/the/secret")) == "InvalidSignatureException"
    assert code(good + [(b"x-amz-extra", b"1")]) == "IncompleteSignatureException"
    assert code(good + [(b"x-amz-target", b"Widgets_20240101.DeleteWidget")]) == "InvalidSignatureException"
    assert code(other_day) == "InvalidSignatureException"
    assert code([(k, v) for k, v in good if k != b"x-amz-date"]) == "IncompleteSignatureException"
    assert code(good) == KEY


def test_canonical_headers_kept_for_a_verified_authorization_answer_only_the_same_values() -> None:
    """A verified Authorization keeps its canonical header block by the signed headers' raw
    values: a request that changes any of them is checked on its own values, and only blocks
    of requests that verified are kept."""
    verifier = SigV4Verifier({KEY: SECRET}, service="widgets")
    good = botocore_signed()
    assert verifier.verify("POST", "/", b"", good, BODY) == KEY
    assert verifier.verify("POST", "/", b"", good, BODY) == KEY
    (parsed,) = verifier._authorizations.values()
    assert len(parsed.header_blocks) == 1
    for name, value in [(b"x-amz-target", b"Widgets_20240101.DeleteWidget"), (b"host", b"other.example.com"), (b"content-type", b"text/plain")]:
        changed = [(k, value if k == name else v) for k, v in good]
        with pytest.raises(SignatureError) as caught:
            verifier.verify("POST", "/", b"", changed, BODY)
        assert caught.value.code == "InvalidSignatureException"
    spaced = [(k, b"  " + v + b"  " if k == b"x-amz-target" else v) for k, v in good]
    assert verifier.verify("POST", "/", b"", spaced, BODY) == KEY  # the same canonical value
    assert len(parsed.header_blocks) == 2
    assert verifier.verify("POST", "/", b"", good, BODY) == KEY


def test_only_authorizations_whose_signature_verified_are_kept() -> None:
    verifier = SigV4Verifier({KEY: SECRET}, service="widgets")
    for number in range(50):
        headers = botocore_signed(secret=f"wrong/{number}", service="widgets")
        with pytest.raises(SignatureError):
            verifier.verify("POST", "/", b"", headers + [(b"x-amz-meta", str(number).encode())], BODY)
    assert verifier._authorizations == {}


def test_checking_a_signature_never_lets_go_of_the_gil() -> None:
    """A handler thread waiting for the GIL takes it whenever the event loop lets go of it,
    and the loop then waits for it back: `hmac.digest` let go on every call, so each signed
    request cost the loop two thread switches. With the switch interval raised past the
    test's length, a waiting thread can run only if the verifier lets go of the GIL."""
    headers = botocore_signed()
    verifier = SigV4Verifier({KEY: SECRET}, service="widgets")
    verifier.verify("POST", "/", b"", headers, BODY)
    gate = threading.Lock()
    gate.acquire()
    ran: list[bool] = []

    def waiting() -> None:
        with gate:
            ran.append(True)

    thread = threading.Thread(target=waiting)
    thread.start()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    try:
        gate.release()  # the thread wakes and then waits for the GIL
        for _ in range(300):
            verifier.verify("POST", "/", b"", headers, BODY)
        took_it = bool(ran)
    finally:
        sys.setswitchinterval(interval)
    thread.join()
    assert not took_it
