"""Argument checks run before any I/O, from the constraints the API documents.

Each check raises `InvalidRequestError(field, rule)` naming the field and the rule broken, and
returns the (normalised) value so resource methods can build bodies in one pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import date
from itertools import repeat
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from .errors import InvalidRequestError

__all__ = [
    "paging",
    "E164_RE",
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
    text = str(value)
    if not text:
        raise InvalidRequestError(field, "must not be empty")
    if len(text) > MAX_ID_LENGTH:
        raise InvalidRequestError(field, f"must be at most {MAX_ID_LENGTH} characters")
    if _CONTROL_RE.search(text):
        raise InvalidRequestError(field, "must not contain control characters")
    if text in (".", ".."):
        raise InvalidRequestError(field, "must not be '.' or '..'")
    return quote(text, safe="")


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
