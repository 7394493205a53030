"""Removes secrets and masks phone numbers in anything the SDK logs or puts in an error.

One place for the rule, used by the logging middleware, error messages and excerpts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

__all__ = [
    "ALLOWED_HEADERS",
    "SECRET_KEYS",
    "Redactor",
    "mask_phone",
    "redact_text",
    "strip_secrets",
    "redact_url",
]

#: Header names that may appear in DEBUG logs; every other header is dropped.
ALLOWED_HEADERS = frozenset(
    {
        "accept",
        "content-type",
        "content-length",
        "user-agent",
        "retry-after",
        "date",
        "x-request-id",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    }
)

#: JSON keys whose values are secrets wherever they appear.
SECRET_KEYS = frozenset(
    {
        "authorization",
        "token",
        "api_key",
        "apikey",
        "webhook_secret",
        "secret",
        "password",
        "private_key",
        "private_key_passphrase",
        "value",  # custom_headers[].value may carry credentials
    }
)

_TOKEN_RE = re.compile(r"talq_[A-Za-z0-9._\-]+")
_BEARER_RE = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/|=\-]{8,}")
_PAT_RE = re.compile(r"\b\d+\|[A-Za-z0-9]{8,}")
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s:@]+:[^/\s@]+@")
_PHONE_RE = re.compile(r"\+\d[\d\s().\-]{5,18}\d")
_MASK = "***"


def mask_phone(number: str) -> str:
    """Mask a phone number, keeping the `+`, the first digit and the last four: +1******0100."""
    digits = [c for c in number if c.isdigit()]
    if len(digits) <= 5:
        return "+" + "*" * len(digits)
    return "+" + digits[0] + "*" * (len(digits) - 5) + "".join(digits[-4:])


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove tokens, bearer values and the given secrets; mask phone numbers."""
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), strip_secrets(text, secrets))


def strip_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove the given secrets, `talq_` tokens, bearer values, personal access tokens and
    `user:password@` in URLs; keep everything else verbatim (phone numbers too). For error
    attributes, which programs read."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, _MASK)
    if "talq_" in text:
        text = _TOKEN_RE.sub("talq_" + _MASK, text)
    text = _BEARER_RE.sub(r"\g<1>" + _MASK, text)
    if "@" in text:
        text = _USERINFO_RE.sub(r"\g<1>" + _MASK + "@", text)
    return _PAT_RE.sub(_MASK, text)


class Redactor:
    """Redaction with the secrets one client knows (its tokens, webhook secrets it sent)."""

    __slots__ = ("_secrets",)

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = {s for s in secrets if s}

    def add(self, secret: str | None) -> None:
        """Remember one more secret value to remove from any text."""
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def text(self, text: str) -> str:
        """Redact a piece of text."""
        return redact_text(text, self._secrets)

    def secrets(self, text: str) -> str:
        """Replace only the known secret values (keeps the rest of the text verbatim)."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, _MASK)
        return text

    def strip(self, text: str) -> str:
        """`strip_secrets` with this redactor's secrets (phone numbers kept)."""
        return strip_secrets(text, self._secrets)

    def value(self, value: Any, _depth: int = 0) -> Any:
        """Redact a decoded JSON value for a log line: secret keys blanked, keys and strings
        redacted (phone numbers masked)."""
        return self._walk(value, self.text, list, _depth)

    def scrub(self, value: Any) -> Any:
        """Remove secrets from a structure an error holds (`details`, `field_errors`...):
        values of secret-named keys blanked, keys and strings stripped of secrets, phone
        numbers kept. Mappings become dicts; lists and tuples keep their type."""
        return self._walk(value, self.strip, None, 0)

    def _walk(self, value: Any, text: Callable[[str], str], seq: type | None, depth: int) -> Any:
        if depth > 32:
            return _MASK
        if isinstance(value, str):
            return text(value)
        if isinstance(value, Mapping):
            out: dict[Any, Any] = {}
            for k, v in value.items():
                key = text(k) if isinstance(k, str) else k
                if isinstance(k, str) and k.lower() in SECRET_KEYS:
                    out[key] = _MASK
                else:
                    out[key] = self._walk(v, text, seq, depth + 1)
            return out
        if isinstance(value, list | tuple):
            items = [self._walk(v, text, seq, depth + 1) for v in value]
            kind = seq or (tuple if isinstance(value, tuple) else list)
            return kind(items)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Keep only allow-listed headers, each redacted."""
        return {k: self.text(v) for k, v in headers.items() if k.lower() in ALLOWED_HEADERS}


def redact_url(url: str) -> str:
    """A URL safe to show: no `user:password@`, every query value and the fragment masked,
    then `redact_text` (a token in the path). For `Location` headers and proxy URLs."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = _MASK + "@" + netloc.rpartition("@")[2]
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = "&".join(f"{quote(k, safe='')}={_MASK}" for k, _ in pairs)
        fragment = _MASK if parts.fragment else ""
        url = urlunsplit((parts.scheme, netloc, parts.path, query, fragment))
    except ValueError:  # not a URL at all: keep only what redact_text lets through
        pass
    return redact_text(url)
