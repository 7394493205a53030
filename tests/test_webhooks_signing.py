"""Webhook signatures: sign/verify round trips, accepted encodings, rejections, rotation,
constant-time comparison, and no secret in any error."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talkover_async import Secret, TalkoverError
from talkover_async.webhooks import (
    SIGNATURE_HEADER,
    WebhookVerificationError,
    ensure_signature,
    sign,
    verify_signature,
)

SECRET = "whsec_canary_5f2b9c0e1d"
BODY = b'{"event":"event_phone_call_ended","call_id":"call_1","duration":45}'


def digest(body: bytes = BODY, secret: str = SECRET) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


def test_default_header_name() -> None:
    assert SIGNATURE_HEADER == "X-Talkover-Signature"


def test_sign_is_lowercase_hex_hmac_sha256() -> None:
    signature = sign(BODY, SECRET)
    assert signature == digest().hex()
    assert signature == signature.lower() and len(signature) == 64


def test_round_trip() -> None:
    assert verify_signature(BODY, sign(BODY, SECRET), SECRET)
    ensure_signature(BODY, sign(BODY, SECRET), SECRET)


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda d: d.hex(), id="hex-lower"),
        pytest.param(lambda d: d.hex().upper(), id="hex-upper"),
        pytest.param(lambda d: "sha256=" + d.hex(), id="prefix-hex"),
        pytest.param(lambda d: "SHA256=" + d.hex().upper(), id="prefix-upper"),
        pytest.param(lambda d: base64.b64encode(d).decode(), id="base64"),
        pytest.param(lambda d: base64.b64encode(d).decode().rstrip("="), id="base64-nopad"),
        pytest.param(lambda d: base64.urlsafe_b64encode(d).decode(), id="urlsafe"),
        pytest.param(
            lambda d: base64.urlsafe_b64encode(d).decode().rstrip("="), id="urlsafe-nopad"
        ),
        pytest.param(lambda d: "sha256=" + base64.b64encode(d).decode(), id="prefix-base64"),
        pytest.param(lambda d: "  " + d.hex() + "\n", id="whitespace"),
    ],
)
def test_accepted_encodings(encode) -> None:
    signature = encode(digest())
    assert verify_signature(BODY, signature, SECRET)
    assert verify_signature(BODY, signature.encode(), SECRET)  # header bytes too


def test_base64_with_url_unsafe_chars_is_exercised() -> None:
    # make sure the urlsafe cases above are meaningful: find a body whose digest needs +/ chars
    body = next(
        b
        for b in (str(i).encode() for i in range(1000))
        if set("+/") & set(base64.b64encode(digest(b)).decode())
    )
    assert verify_signature(body, base64.urlsafe_b64encode(digest(body)).decode(), SECRET)
    assert verify_signature(body, base64.b64encode(digest(body)).decode(), SECRET)


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "   ",
        "sha256=",
        "not-a-signature",
        "sha256=zz",
        digest().hex()[:-2],
        digest().hex() + "00",
        base64.b64encode(digest()[:31]).decode(),
        "md5=" + digest().hex(),
    ],
)
def test_missing_or_malformed_signatures_are_rejected(signature) -> None:
    assert verify_signature(BODY, signature, SECRET) is False


def test_tampered_body_is_rejected() -> None:
    signature = sign(BODY, SECRET)
    assert not verify_signature(BODY.replace(b"45", b"46"), signature, SECRET)
    assert not verify_signature(BODY + b" ", signature, SECRET)


def test_wrong_secret_is_rejected() -> None:
    assert not verify_signature(BODY, sign(BODY, "whsec_other"), SECRET)


def test_rotation_accepts_any_configured_secret() -> None:
    old, new = "whsec_old_secret", "whsec_new_secret"
    for secret in (old, new):
        signature = sign(BODY, secret)
        assert verify_signature(BODY, signature, [old, new])
        assert verify_signature(BODY, signature, (new, old))
        assert verify_signature(BODY, signature, {old, new})
    assert not verify_signature(BODY, sign(BODY, "whsec_retired"), [old, new])


def test_secret_types() -> None:
    signature = sign(BODY, SECRET)
    assert verify_signature(BODY, signature, SECRET.encode())
    assert verify_signature(BODY, signature, Secret(SECRET, name="webhook secret"))
    assert verify_signature(BODY, signature, [Secret("whsec_other"), SECRET.encode()])
    with pytest.raises(TypeError):
        verify_signature(BODY, signature, [123])  # type: ignore[list-item]


def test_no_secret_is_never_valid() -> None:
    signature = sign(BODY, "")
    assert not verify_signature(BODY, signature, "")
    assert not verify_signature(BODY, signature, [])
    with pytest.raises(WebhookVerificationError) as info:
        ensure_signature(BODY, signature, [])
    assert info.value.reason == "no_secret"


def test_text_body_is_refused() -> None:
    with pytest.raises(TypeError, match="raw request body"):
        verify_signature(BODY.decode(), sign(BODY, SECRET), SECRET)  # type: ignore[arg-type]


def test_bytearray_and_memoryview_bodies() -> None:
    signature = sign(BODY, SECRET)
    assert verify_signature(bytearray(BODY), signature, SECRET)  # type: ignore[arg-type]
    assert verify_signature(memoryview(BODY), signature, SECRET)  # type: ignore[arg-type]


def test_compare_digest_is_used_for_every_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def recording(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    assert verify_signature(BODY, sign(BODY, SECRET), SECRET)
    assert len(calls) == 1
    calls.clear()
    # no early exit: a match on the first secret still compares against the second
    assert verify_signature(BODY, sign(BODY, SECRET), [SECRET, "whsec_other"])
    assert len(calls) == 2
    calls.clear()
    assert not verify_signature(BODY, sign(BODY, "whsec_other"), SECRET)
    assert len(calls) == 1
    assert all(len(a) == len(b) == 32 for a, b in calls)


@pytest.mark.parametrize(
    ("signature", "reason"),
    [(None, "missing"), ("", "missing"), ("garbage", "malformed"), ("0" * 64, "mismatch")],
)
def test_ensure_signature_reasons_and_no_secret_in_message(signature, reason) -> None:
    with pytest.raises(WebhookVerificationError) as info:
        ensure_signature(BODY, signature, SECRET)
    err = info.value
    assert isinstance(err, TalkoverError)
    assert err.reason == reason
    for text in (str(err), repr(err), repr(err.args)):
        assert SECRET not in text
        assert digest().hex() not in text
        assert base64.b64encode(digest()).decode() not in text


def test_mismatch_message_does_not_echo_received_signature() -> None:
    received = sign(BODY, "whsec_other")
    with pytest.raises(WebhookVerificationError) as info:
        ensure_signature(BODY, received, SECRET)
    assert received not in str(info.value)


@given(
    body=st.binary(max_size=512), secret=st.text(min_size=1, max_size=64), flip=st.integers(0, 511)
)
def test_property_round_trip_and_any_change_fails(body: bytes, secret: str, flip: int) -> None:
    signature = sign(body, secret)
    assert verify_signature(body, signature, secret)
    if body:
        i = flip % len(body)
        changed = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]
        assert not verify_signature(changed, signature, secret)
