"""Argument checks run before any I/O, from the constraints the API documents.

Each check raises `InvalidRequestError(field, rule)` naming the field and the rule broken, and
returns the (normalised) value so resource methods can build bodies in one pass.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
import uuid
from collections.abc import Collection, Mapping
from datetime import date, datetime, time
from itertools import repeat
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlencode, urlsplit

from . import _json
from .errors import InvalidRequestError
from .http import Timeout

__all__ = [
    "paging",
    "E164_RE",
    "REQUEST_OPTIONS",
    "check_options",
    "encode_query",
    "json_body",
    "query_value",
    "check_bool",
    "check_choice",
    "check_country_code",
    "check_date",
    "check_date_range",
    "check_e164",
    "check_header_name",
    "check_header_value",
    "check_hhmm",
    "check_int",
    "check_list",
    "check_mapping",
    "check_number",
    "check_str",
    "check_url",
    "path_param",
]

T = TypeVar("T")

# `\Z`, not `$`: `$` also matches before a trailing newline ("+14155550100\n").
E164_RE = re.compile(r"^\+[1-9]\d{6,14}\Z")
_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_REPEAT_STR = repeat(str)  # endless: `map` stops at the end of the keys
MAX_ID_LENGTH = 256


def path_param(field: str, value: object) -> str:
    """A path parameter, percent-encoded so it can never change the path (`a/b`, `../x`)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidRequestError(field, "must be a string id")
    if isinstance(value, int) and not -(10**MAX_ID_LENGTH) < value < 10**MAX_ID_LENGTH:
        raise InvalidRequestError(field, f"must be at most {MAX_ID_LENGTH} characters")
    text = str(value)
    if not text:
        raise InvalidRequestError(field, "must not be empty")
    if len(text) > MAX_ID_LENGTH:
        raise InvalidRequestError(field, f"must be at most {MAX_ID_LENGTH} characters")
    if _CONTROL_RE.search(text):
        raise InvalidRequestError(field, "must not contain control characters")
    if text in (".", ".."):
        raise InvalidRequestError(field, "must not be '.' or '..'")
    if not text.isascii() and not _is_unicode(text):
        raise InvalidRequestError(field, _SURROGATES)
    return quote(text, safe="")


_SURROGATES = "must be valid Unicode text (no lone surrogates)"
_KEY_SURROGATES = "keys must be valid Unicode text (no lone surrogates)"


def _is_unicode(text: str) -> bool:
    """True unless `text` holds a lone surrogate (which no UTF-8 encoder accepts)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_str(
    field: str,
    value: object,
    *,
    min_len: int | None = None,
    max_len: int | None = None,
) -> str:
    """A string within length bounds."""
    if not isinstance(value, str):
        raise InvalidRequestError(field, "must be a string")
    if min_len is not None and len(value) < min_len:
        raise InvalidRequestError(field, f"must be at least {min_len} characters")
    if max_len is not None and len(value) > max_len:
        raise InvalidRequestError(field, f"must be at most {max_len} characters")
    return value


def check_e164(field: str, value: object) -> str:
    """A phone number in E.164 form: `+` then 7 to 15 digits, no spaces."""
    if not isinstance(value, str) or not E164_RE.match(value):
        raise InvalidRequestError(field, "must be an E.164 phone number such as +14155550100")
    return value


def check_choice(field: str, value: object, allowed: Collection[str]) -> str:
    """One of the documented values (enum members are accepted by value)."""
    text = getattr(value, "value", value)
    if not isinstance(text, str) or text not in allowed:
        raise InvalidRequestError(field, f"must be one of {', '.join(sorted(allowed))}")
    return text


def check_int(field: str, value: object, lo: int | None = None, hi: int | None = None) -> int:
    """An integer (not a bool) within an inclusive range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(field, "must be an integer")
    _range(field, value, lo, hi)
    return value


def check_number(
    field: str,
    value: object,
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_exclusive: bool = False,
) -> float:
    """A finite number within a range (inclusive unless `lo_exclusive`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequestError(field, "must be a number")
    if not math.isfinite(value):
        raise InvalidRequestError(field, "must be a finite number")
    if lo_exclusive and lo is not None and value <= lo:
        raise InvalidRequestError(field, f"must be greater than {lo}")
    _range(field, value, None if lo_exclusive else lo, hi)
    return value


def _range(field: str, value: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and hi is not None and not lo <= value <= hi:
        raise InvalidRequestError(field, f"must be between {lo} and {hi}")
    if lo is not None and value < lo:
        raise InvalidRequestError(field, f"must be at least {lo}")
    if hi is not None and value > hi:
        raise InvalidRequestError(field, f"must be at most {hi}")


def check_bool(field: str, value: object) -> bool:
    """A real boolean."""
    if not isinstance(value, bool):
        raise InvalidRequestError(field, "must be true or false")
    return value


def check_mapping(field: str, value: object) -> dict[str, Any]:
    """A JSON object with string keys."""
    # `type(...) is dict` first: the ABC check and a generator cost more than the check itself
    # on the make-call hot path; `map` walks the keys in C.
    if (type(value) is not dict and not isinstance(value, Mapping)) or not all(
        map(isinstance, value, _REPEAT_STR)
    ):
        raise InvalidRequestError(field, "must be a mapping with string keys")
    return dict(value)


def check_list(
    field: str,
    value: object,
    *,
    min_items: int = 0,
    item: type[T] = str,  # type: ignore[assignment]
) -> list[T]:
    """A list (or tuple) of items of one type, with a minimum length."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise InvalidRequestError(field, "must be a list")
    if len(value) < min_items:
        raise InvalidRequestError(field, f"must contain at least {min_items} item(s)")
    for v in value:
        if not isinstance(v, item) or (isinstance(v, bool) and item is not bool):
            raise InvalidRequestError(field, f"items must be {item.__name__}")
    return list(value)


def check_date(field: str, value: object) -> str:
    """A calendar date as `YYYY-MM-DD` (a `datetime.date` is formatted)."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise InvalidRequestError(field, "must be a date in YYYY-MM-DD form")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise InvalidRequestError(field, "must be a real calendar date") from None
    return value


def check_date_range(start_field: str, start: str | None, end_field: str, end: str | None) -> None:
    """`end` must not be before `start` when both are given (both already checked)."""
    if start is not None and end is not None and end < start:
        raise InvalidRequestError(end_field, f"must not be before {start_field}")


def check_hhmm(field: str, value: object) -> str:
    """A time of day as 24-hour `HH:MM`."""
    if not isinstance(value, str) or not _HHMM_RE.match(value):
        raise InvalidRequestError(field, "must be a time in 24-hour HH:MM form")
    return value


_HEADER_NAME_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: Headers that frame the message on the wire: only the transport may set them (a caller's
#: `Content-Length` or `Transfer-Encoding` could split one request into two).
FRAMING_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade"}
)


def check_header_name(field: str, name: object) -> str:
    """A header name: an RFC 9110 token (no spaces, colons, CR or LF), not a framing header."""
    if not isinstance(name, str) or not _HEADER_NAME_RE.fullmatch(name):
        raise InvalidRequestError(field, "header names must be tokens (no spaces, ':', CR or LF)")
    if name.lower() in FRAMING_HEADERS:
        raise InvalidRequestError(field, "this header is set by the transport")
    return name


def check_header_value(field: str, value: object) -> str:
    """A header value without CR, LF or other control characters."""
    if not isinstance(value, str):
        raise InvalidRequestError(field, "must be a string")
    if _CONTROL_RE.search(value.replace("\t", " ")):
        raise InvalidRequestError(field, "must not contain CR, LF or control characters")
    if not value.isascii() and not _is_unicode(value):
        raise InvalidRequestError(field, _SURROGATES)
    return value


def check_url(field: str, value: object, *, max_len: int | None = None) -> str:
    """An absolute `http://` or `https://` URL with a host, no whitespace or control
    characters, within `max_len` characters."""
    text = check_str(field, value, min_len=1, max_len=max_len)
    if _CONTROL_RE.search(text) or any(c.isspace() for c in text):
        raise InvalidRequestError(field, "must be a URL without whitespace or control characters")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise InvalidRequestError(field, "must be a valid http(s) URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError(field, "must be a valid http(s) URL")
    return text


_COUNTRY_RE = re.compile(r"^[A-Za-z]{2}\Z")


def check_country_code(field: str, value: object) -> str:
    """An ISO 3166-1 alpha-2 country code (two letters, returned upper-case: `US`, `BR`)."""
    if not isinstance(value, str) or not _COUNTRY_RE.match(value):
        raise InvalidRequestError(field, "must be an ISO 3166-1 alpha-2 country code such as US")
    return value.upper()


def paging(per_page: object, page: object, *, max_per_page: int = 100) -> dict[str, int]:
    """The `per_page` (1..max) and `page` (>= 1) query parameters that were given."""
    out: dict[str, int] = {}
    if per_page is not None:
        out["per_page"] = check_int("per_page", per_page, 1, max_per_page)
    if page is not None:
        out["page"] = check_int("page", page, 1)
    return out


# --- what every request is built from: options, query values, the JSON body --------------------
#: The per-call options every resource method accepts (`talkover_async.RequestOptions`).
REQUEST_OPTIONS = frozenset(
    {"timeout", "deadline", "max_retries", "extra_headers", "extra_query", "extra_body", "token"}
)


def check_options(options: Mapping[str, object]) -> None:
    """The per-call options: known names, and values of the documented types. `token` is
    checked where it is turned into a `Secret`; header names and values where headers are
    merged."""
    for name, value in options.items():
        if name not in REQUEST_OPTIONS:
            raise InvalidRequestError(
                str(name), f"is not a request option ({', '.join(sorted(REQUEST_OPTIONS))})"
            )
        if value is None:
            continue
        if name == "timeout":
            if not isinstance(value, Timeout):
                check_number("timeout", value, 0, lo_exclusive=True)
        elif name == "deadline":
            check_number("deadline", value, 0, lo_exclusive=True)
        elif name == "max_retries":
            check_int("max_retries", value, 0)
        elif name == "extra_headers":
            check_mapping("extra_headers", value)
        elif name == "extra_query":
            for key, item in check_mapping("extra_query", value).items():
                query_value(f"extra_query[{key!r}]", item)
        elif name == "extra_body":
            json_body(check_mapping("extra_body", value), name="extra_body")


_QUERY_RULE = "must be text, a number, true/false, or a list of them"


def query_value(field: str, value: object) -> Any:
    """A query parameter value as `urlencode` takes it: text and integers as they are,
    booleans as `true`/`false`, enum members by value, finite floats, lists of these."""
    kind = type(value)
    if kind is str:
        text = cast("str", value)
        if text.isascii() or _is_unicode(text):
            return text
        raise InvalidRequestError(field, _SURROGATES)
    if kind is int:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is list or kind is tuple:
        return [_query_scalar(field, v) for v in value]  # type: ignore[attr-defined]
    return _query_scalar(field, value)


def _query_scalar(field: str, value: object) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    value = value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, str):
        return query_value(field, str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    raise InvalidRequestError(field, _QUERY_RULE)


def encode_query(query: Mapping[str, Any]) -> str:
    """The URL-encoded query string of checked values (None values are left out)."""
    pairs = [(k, query_value(k, v)) for k, v in query.items() if v is not None]
    try:
        return urlencode(pairs, doseq=True)
    except (UnicodeEncodeError, ValueError, TypeError):
        for key, value in pairs:
            texts = value if isinstance(value, list) else [value]
            if not all(_is_unicode(str(t)) for t in [key, *texts]):
                raise InvalidRequestError(str(key), _SURROGATES) from None
        raise InvalidRequestError("query", "cannot be URL-encoded") from None


#: orjson refuses integers outside this range (the standard library has no limit).
_JSON_INT_MIN, _JSON_INT_MAX = -(2**63), 2**64 - 1
_JSON_NATIVE = (date, datetime, time, uuid.UUID, enum.Enum)


def json_body(body: Mapping[str, Any], *, name: str | None = None) -> bytes:
    """Encode a request body as JSON, or raise `InvalidRequestError` naming the top-level
    field that cannot be sent (`name[key]` when `name` is given): text with a lone
    surrogate, an integer outside 64 bits, NaN or an infinity (which orjson would silently
    send as `null`), a key or value of a type JSON has no form for, too deep a nesting."""
    try:
        content = _json.dumps(body)
    except Exception:  # noqa: S110 - every encoder failure is found again below
        pass
    else:
        # `null` in the output may be a NaN or an infinity that orjson turned into null:
        # only then walk the body (`find` costs less than `in` on bytes).
        if content.find(b"null") < 0 or not _has_non_finite(body, 0):
            return content
    for key, value in body.items():
        field = f"{name}[{key!r}]" if name else str(key)
        problem = _key_problem(key) or _json_problem(value, 1)
        if problem:
            raise InvalidRequestError(field, problem)
    raise InvalidRequestError(name or "body", "cannot be sent as JSON")


def _has_non_finite(value: object, depth: int) -> bool:
    if type(value) is float:
        return not math.isfinite(value)
    if depth > 64:
        return False
    if isinstance(value, Mapping):
        return any(_has_non_finite(v, depth + 1) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_non_finite(v, depth + 1) for v in value)
    return isinstance(value, float) and not math.isfinite(value)


def _key_problem(key: object) -> str | None:
    if isinstance(key, str):
        return None if key.isascii() or _is_unicode(key) else _KEY_SURROGATES
    if key is None or isinstance(key, bool | float | int | enum.Enum | date | uuid.UUID):
        return _json_problem(key, 0)
    return f"mapping keys must be text, not {type(key).__name__}"


def _json_problem(value: object, depth: int) -> str | None:
    """Why `value` cannot be sent as JSON, or None if it can (as far as we can tell)."""
    if depth > 200:
        return "is nested too deeply to be sent as JSON"
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return None if value.isascii() or _is_unicode(value) else _SURROGATES
    if isinstance(value, int):
        if _JSON_INT_MIN <= value <= _JSON_INT_MAX:
            return None
        return "integers must fit in 64 bits to be sent as JSON"
    if isinstance(value, float):
        return None if math.isfinite(value) else "numbers must be finite (no NaN or infinity)"
    if isinstance(value, Mapping):
        for k, v in value.items():
            problem = _key_problem(k) or _json_problem(v, depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, list | tuple):
        for v in value:
            problem = _json_problem(v, depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, _JSON_NATIVE) or dataclasses.is_dataclass(value):
        return None
    return f"values of type {type(value).__name__} are not JSON serializable"
