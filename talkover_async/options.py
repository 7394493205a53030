"""Per-call options every resource method accepts as keyword arguments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from .config import Secret
from .http import Timeout

__all__ = ["RequestOptions"]


class RequestOptions(TypedDict, total=False):
    """Escape hatches and overrides for one call.

    - `timeout`: seconds or a `Timeout` for each attempt;
    - `deadline`: seconds for the whole call, retries and waits included;
    - `max_retries`: retries for this call;
    - `extra_headers`, `extra_query`, `extra_body`: sent as given, merged over what the method
      builds (for fields the SDK does not know yet);
    - `token`: a different token for this call (e.g. a user session token).
    """

    timeout: float | Timeout
    deadline: float
    max_retries: int
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]
    extra_body: Mapping[str, Any]
    token: str | Secret
