"""The one place that reads Talkover response bodies.

Unwraps every documented success shape (`{success, data}`, `{success, message, data}`,
`{success, message}`, `{data}` alone, `{message}` alone, `{data, pagination|meta}`, bare
objects such as `{mp3_url}` or the 201 `{campaign_call, campaign}`) and maps every documented
error shape to the typed errors:

- E1 `{success: false, error: {code, message, details}}`
- E2 `{success: false, message}`
- E3 `{success: false, message, code[, details]}`
- E4 `{message, errors: {field: [msg, ...]}}` (Laravel)
- E5 `{message}` (e.g. "Missing Bearer Token")
- E6 `{success: false, errors: [msg, ...]}` (flow validation), and `{error: "<text>"}`.

A body that is none of these raises `ResponseDecodeError` with the status and an excerpt.
"""

from __future__ import annotations

import email.utils
import math
import re
import sys
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import _json
from .errors import (
    APIStatusError,
    RateLimitError,
    ResponseDecodeError,
    status_error_class,
)
from .http import Response

__all__ = ["Envelope", "error_from_response", "load_json", "parse", "parse_retry_after"]

_ENVELOPE_KEYS = frozenset({"success", "message"})
#: `Retry-After` seconds: ASCII digits, optionally a fraction and an exponent (`1.5`, `1e3`);
#: no sign, underscores, `nan` or `inf`, all of which `float()` would accept.
_SECONDS_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


class Envelope(NamedTuple):
    """A decoded success body: the payload in `data`, plus what came around it.

    A named tuple (immutable) rather than an attrs class: one is built per response, and a
    tuple is built several times faster than a frozen attrs instance.
    """

    data: Any
    message: str | None = None
    success: bool | None = None
    pagination: Mapping[str, Any] | None = None
    raw: Any = None


def _excerpt(content: bytes) -> str:
    return content[:300].decode("utf-8", "replace").strip()


def load_json(response: Response) -> Any:
    """Decode the body as JSON or raise `ResponseDecodeError`."""
    try:
        return _json.loads(response.content)
    except _json.JSONDecodeError as exc:
        ctype = response.headers.get("content-type", "")
        what = (
            "an HTML page"
            if "html" in ctype or response.content.lstrip()[:1] == b"<"
            else ("invalid or truncated JSON")
        )
        raise ResponseDecodeError(
            f"expected a JSON object, got {what} ({type(exc).__name__})",
            status_code=response.status_code,
            excerpt=_excerpt(response.content),
            response=response,
        ) from None


def parse(response: Response, *, allow_failure: bool = False) -> Envelope:
    """Unwrap a response, or raise the typed error it carries.

    `allow_failure` keeps a 2xx `{success: false, data}` body (a failed SIP trunk verification,
    an invalid flow) as a result instead of raising.
    """
    status = response.status_code
    if status >= 400:
        raise error_from_response(response)
    content = response.content
    if not content or content.isspace():  # `not content.strip()` without copying the body
        return Envelope(None)
    body = load_json(response)
    if type(body) is not dict:
        raise ResponseDecodeError(
            f"expected a JSON object, got a JSON {type(body).__name__}",
            status_code=status,
            excerpt=_excerpt(response.content),
            response=response,
        )
    success = body.get("success")
    if success is False and not allow_failure:
        raise _error_from_body(body, response)
    if "data" in body:
        data = body["data"]
    elif body.keys() <= _ENVELOPE_KEYS or (success is not None and "errors" in body):
        data = None
    else:
        data = body
    pagination = body.get("pagination")
    if pagination is None:
        pagination = body.get("meta")
    message = body.get("message")
    return Envelope(
        data,
        message if type(message) is str else None,
        success if type(success) is bool else None,
        pagination if type(pagination) is dict else None,
        body,
    )


def error_from_response(response: Response) -> APIStatusError | ResponseDecodeError:
    """Build the typed error for an error response (status >= 400)."""
    content = response.content
    if not content.strip():
        return _make_error(response, message=f"HTTP {response.status_code} with an empty body")
    try:
        body = _json.loads(content)
    except _json.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        if response.status_code == 429:
            # The 429 body is not documented: whatever it is, it is still a rate limit.
            return _make_error(response, message=_excerpt(content)[:200] or "Too Many Requests")
        return ResponseDecodeError(
            "expected a JSON error object",
            status_code=response.status_code,
            excerpt=_excerpt(content),
            response=response,
        )
    return _error_from_body(body, response)


def _error_from_body(body: Mapping[str, Any], response: Response) -> APIStatusError:
    message: str | None = None
    code: str | None = None
    details: Mapping[str, Any] | None = None
    err = body.get("error")
    if isinstance(err, dict):  # E1
        message = _str(err.get("message"))
        code = _str(err.get("code"))
        details = err.get("details") if isinstance(err.get("details"), dict) else None
    elif isinstance(err, str):
        message = err
    message = message or _str(body.get("message"))
    code = code or _str(body.get("code"))
    if details is None and isinstance(body.get("details"), dict):
        details = body["details"]
    field_errors: dict[str, list[str]] = {}
    errors: list[str] = []
    raw_errors = body.get("errors")
    if isinstance(raw_errors, dict):  # E4
        for key, value in raw_errors.items():
            if isinstance(value, list):
                field_errors[str(key)] = [str(v) for v in value]
            else:
                field_errors[str(key)] = [str(value)]
    elif isinstance(raw_errors, list):  # E6
        errors = [str(v) for v in raw_errors]
    if message is None:
        if errors:
            message = "; ".join(errors[:3])
        elif field_errors:
            message = "; ".join(f"{k}: {v[0]}" for k, v in field_errors.items() if v)
        else:
            message = f"HTTP {response.status_code}"
    if details is None and isinstance(body.get("data"), dict):
        details = body["data"]
    return _make_error(
        response,
        message=message,
        code=code,
        details=details,
        field_errors=field_errors,
        errors=errors,
    )


def _make_error(response: Response, *, message: str, **kw: Any) -> APIStatusError:
    cls = status_error_class(response.status_code)
    if cls is RateLimitError:
        kw["retry_after"] = parse_retry_after(response.headers.get("retry-after"))
    return cls(message, status_code=response.status_code, response=response, **kw)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date.

    Never raises. Returns a finite float >= 0, or None when the value is unusable (absent,
    not text, negative, NaN, infinite, not a number in HTTP's form, a date that does not
    exist): the caller then falls back to its own backoff. A date in the past gives 0.0. A
    valid but absurd wait (400 digits, a date in year 9999) stays a huge finite number, so
    a cap such as `max_retry_after` refuses it; callers must cap what they get.
    Decimal seconds (`1.5`, `1e3`) are accepted although HTTP only defines whole seconds; a
    number too large for a float (`1e309`) counts as the largest finite float.
    """
    if not value or type(value) is not str:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and _SECONDS_RE.fullmatch(value):
        seconds = float(value)  # never raises on this form; it may overflow to inf
        return seconds if seconds != math.inf else sys.float_info.max
    try:
        when = email.utils.parsedate_to_datetime(value)
        seconds = when.timestamp() - (time.time() if now is None else now)
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)
