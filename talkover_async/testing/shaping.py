"""Where an answer's form is undocumented, shape it as `unknowns.py` says: error bodies, money
amounts, timestamp fractions (answers and webhook payloads), a list's paging key, header
casing, delivery-log payloads.

In `honest` mode every function here makes the table's default choice; in `vary` mode each
draws from the fake's seeded generator (one draw per answer).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .documented import DOCUMENTED_CODES, is_documented
from .replies import ApiError
from .unknowns import Unknowns

if TYPE_CHECKING:
    from .routing import Route

__all__ = [
    "AMOUNT_KEYS",
    "header_casing",
    "log_request_payload",
    "render_error",
    "shape_payload",
    "shape_reply",
]

AMOUNT_KEYS = frozenset(
    {
        "threshold_amount", "recharge_amount", "scheduled_amount", "daily_limit",
        "amount_charged", "new_balance", "balance", "amount", "balance_before", "balance_after",
    }
)  # fmt: skip
_MONEY_ROUTES = ("/auto-topup", "/credits")
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$")


def _error_key(exc: ApiError) -> str:
    if exc.status == 422 and isinstance(exc.errors, Mapping) and exc.errors:
        return "error.validation"
    if exc.status == 403:
        return "permissions.forbidden_body"
    if exc.status >= 500:
        return "error.500"
    return "error.shape"


def render_error(
    unknowns: Unknowns,
    exc: ApiError,
    *,
    route: Route | None = None,
    documented: bool | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """The body of `exc`: exactly as documented when the docs show it, else the table's
    choice (`error.shape`, `error.validation`, `error.500`, `permissions.forbidden_body`)."""
    if documented is None:
        documented = route is not None and is_documented(
            route.key,
            route.family,
            exc.status,
            exc.code,
            exc.shape,
            permission=exc.permission,
            message=exc.message,
        )
    if documented or not unknowns.vary:
        return exc.render("documented")
    key = key or _error_key(exc)
    # E3/E1 carry a code: only drawn when the docs name one for this error
    among = None if key == "error.validation" or exc.any_code in DOCUMENTED_CODES else 1
    index = unknowns.pick(key, among=among)
    if key == "error.validation":
        assert isinstance(exc.errors, Mapping)
        if index == 0:
            return {"message": exc.message, "errors": dict(exc.errors)}
        messages = [m for msgs in exc.errors.values() for m in msgs]
        return {"success": False, "message": exc.message, "errors": messages}
    if index == 0:
        return exc.render("documented")
    return exc.render("flat" if index == 1 else "nested")


def _walk(value: Any, fix: Any) -> Any:
    if isinstance(value, dict):
        return {k: fix(k, _walk(v, fix)) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fix) for v in value]
    return value


def _amounts(body: Any, *, integer: bool) -> Any:
    def fix(key: str, value: Any) -> Any:
        if key not in AMOUNT_KEYS or isinstance(value, bool) or not isinstance(value, int | float):
            return value
        if integer and float(value).is_integer():
            return int(value)
        return float(value)

    return _walk(body, fix)


def _stamps(body: Any, *, micro: bool) -> Any:
    def fix(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _STAMP.match(value)
        if match is None:
            return value
        return f"{match.group(1)}.000000Z" if micro else f"{match.group(1)}Z"

    return _walk(body, fix)


def shape_reply(unknowns: Unknowns, route: Route, body: Any) -> Any:
    """A success body with the table's choices applied (amounts always; the rest in vary)."""
    if route.template.startswith(_MONEY_ROUTES):
        body = _amounts(body, integer=unknowns.pick("amounts.decimal") == 1)
    if not unknowns.vary:
        return body
    if (
        route.key == "GET /campaigns"
        and isinstance(body, dict)
        and "pagination" in body
        and unknowns.pick("pagination.campaigns") == 1
    ):
        paging = body.pop("pagination")
        body["meta"] = {k: paging[k] for k in ("current_page", "per_page", "total", "last_page")}
    fraction = unknowns.pick("timestamps.fraction")
    if fraction:
        body = _stamps(body, micro=fraction == 2)
    return body


def shape_payload(unknowns: Unknowns, payload: dict[str, Any]) -> dict[str, Any]:
    """A webhook event payload with `timestamps.fraction` applied (vary mode only; one draw
    per delivery, so every retry of it sends the same bytes)."""
    fraction = unknowns.pick("timestamps.fraction")
    return _stamps(payload, micro=fraction == 2) if fraction else payload


def _canonical(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def header_casing(
    unknowns: Unknowns, headers: Mapping[str, str], *, canonical: bool = True
) -> dict[str, str]:
    """Header names in `Canonical-Case` (default; as given with `canonical=False`) or
    `lower-case` (the alternative of `headers.casing`)."""
    if unknowns.pick("headers.casing") == 1:
        return {k.lower(): v for k, v in headers.items()}
    return {(_canonical(k) if canonical else k): v for k, v in headers.items()}


def log_request_payload(unknowns: Unknowns, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A delivery log's `request_payload` (`delivery_log.request_payload`): the documented
    `{call_id, duration}` for call events, the documented test payload for `webhook.test`,
    else (or in the alternative) what was sent."""
    if unknowns.pick("delivery_log.request_payload") == 1:
        return dict(payload)
    if payload.get("event") == "webhook.test":
        return {k: v for k, v in payload.items() if k != "event_id"}
    if "call_id" in payload and "campaign_call_id" not in payload:
        return {"call_id": payload["call_id"], "duration": payload.get("duration", 0)}
    return dict(payload)
