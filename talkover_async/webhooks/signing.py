"""HMAC-SHA256 webhook signatures: `sign`, `verify_signature`, `ensure_signature`.

The vendor documents HMAC-SHA256 keyed with the webhook's `webhook_secret`, and nothing else
(overview.md §6.4). **Our assumptions**, shared with the fake: the signed bytes are the raw
request body, the header is `X-Talkover-Signature` (`SIGNATURE_HEADER`) and the value is the
lowercase hex digest. Verification is lenient about the encoding (hex in any case, standard or
URL-safe base64 with or without padding, an optional `sha256=` prefix) so it keeps working if
the real format is one of the common variants. Comparisons use `hmac.compare_digest`.

Secrets never appear in an exception message, a log line or a `repr`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import TypeAlias

from ..config import Secret
from ..errors import TalkoverError

__all__ = [
    "SIGNATURE_HEADER",
    "SecretInput",
    "WebhookSecrets",
    "WebhookVerificationError",
    "ensure_signature",
    "sign",
    "verify_signature",
]

#: Default signature header. OUR ASSUMPTION: the vendor does not name the header.
SIGNATURE_HEADER = "X-Talkover-Signature"

#: One webhook secret: text, bytes, or a `talkover_async.Secret`.
SecretInput: TypeAlias = str | bytes | Secret
#: One secret, or several (rotation: any of them may have signed the body).
WebhookSecrets: TypeAlias = SecretInput | Iterable[SecretInput]

_DIGEST_SIZE = hashlib.sha256().digest_size
_HEX_RE = re.compile(r"[0-9a-fA-F]{64}")
_B64_RE = re.compile(r"[A-Za-z0-9+/\-_]{43}={0,1}")
_PREFIX = "sha256="


class WebhookVerificationError(TalkoverError):
    """A webhook body whose signature is missing, malformed or matches no configured secret.

    `reason` is one of `"missing"`, `"malformed"`, `"mismatch"`, `"no_secret"`. The message
    never contains the secret, the expected digest or the received signature.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(_MESSAGES.get(reason, "webhook signature rejected"))


_MESSAGES = {
    "missing": "webhook signature missing",
    "malformed": "webhook signature malformed (expected a hex or base64 HMAC-SHA256 digest)",
    "mismatch": "webhook signature does not match the body (wrong secret or altered body)",
    "no_secret": "no webhook secret configured to verify the signature with",
}


def _key_bytes(secret: SecretInput) -> bytes:
    if isinstance(secret, Secret):
        return secret.get_secret_value().encode()
    if isinstance(secret, bytes):
        return secret
    if isinstance(secret, str):
        return secret.encode()
    raise TypeError(f"a webhook secret must be str, bytes or Secret, not {type(secret).__name__}")


def _secret_keys(secret: WebhookSecrets | None) -> tuple[bytes, ...]:
    """Every non-empty secret as HMAC key bytes (one secret or an iterable of them)."""
    if secret is None:
        return ()
    items: Iterable[SecretInput] = (secret,) if isinstance(secret, str | bytes | Secret) else secret
    return tuple(key for key in (_key_bytes(s) for s in items) if key)


def _body_bytes(raw_body: bytes | bytearray | memoryview) -> bytes:
    if isinstance(raw_body, str):
        raise TypeError(
            "pass the raw request body as bytes, not decoded text: "
            "the signature covers the exact bytes received"
        )
    return bytes(raw_body)


def _decode_signature(signature: str | bytes | None) -> bytes | None:
    """The digest bytes of a signature header value, or None if it is empty or malformed.

    Accepts hex (any case) or base64 (standard or URL-safe, padded or not) of a 32-byte
    digest, with an optional `sha256=` prefix and surrounding whitespace.
    """
    if signature is None:
        return None
    if isinstance(signature, bytes):
        try:
            signature = signature.decode("ascii")
        except UnicodeDecodeError:
            return None
    text = signature.strip()
    if text[: len(_PREFIX)].lower() == _PREFIX:
        text = text[len(_PREFIX) :].strip()
    if not text:
        return None
    if _HEX_RE.fullmatch(text):
        return bytes.fromhex(text)
    if _B64_RE.fullmatch(text):
        normalized = text.rstrip("=").replace("-", "+").replace("_", "/") + "="
        try:
            digest = base64.b64decode(normalized, validate=True)
        except (binascii.Error, ValueError):
            return None
        return digest if len(digest) == _DIGEST_SIZE else None
    return None


def sign(raw_body: bytes, secret: str) -> str:
    """The lowercase hex HMAC-SHA256 of `raw_body` keyed with `secret` (what the fake sends)."""
    return hmac.new(_key_bytes(secret), _body_bytes(raw_body), hashlib.sha256).hexdigest()


def _check(
    raw_body: bytes, signature: str | bytes | None, secret: WebhookSecrets | None
) -> str | None:
    """None when the signature is valid for one of the secrets, else the failure reason."""
    body = _body_bytes(raw_body)
    keys = _secret_keys(secret)
    if not keys:
        return "no_secret"
    if signature is None or not signature.strip():
        return "missing"
    given = _decode_signature(signature)
    if given is None:
        return "malformed"
    matched = False
    for key in keys:  # no early exit: every configured secret costs the same
        expected = hmac.new(key, body, hashlib.sha256).digest()
        matched |= hmac.compare_digest(expected, given)
    return None if matched else "mismatch"


def verify_signature(
    raw_body: bytes, signature: str | bytes | None, secret: WebhookSecrets
) -> bool:
    """True when `signature` is the HMAC-SHA256 of `raw_body` under `secret` (or any of
    several secrets, for rotation). Constant-time; an empty or missing signature is False."""
    return _check(raw_body, signature, secret) is None


def ensure_signature(
    raw_body: bytes, signature: str | bytes | None, secret: WebhookSecrets
) -> None:
    """Like `verify_signature`, but raise `WebhookVerificationError` (`reason` says why)."""
    reason = _check(raw_body, signature, secret)
    if reason is not None:
        raise WebhookVerificationError(reason)
