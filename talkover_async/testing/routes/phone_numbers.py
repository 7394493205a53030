"""Phone numbers and release requests (agents.md §8)."""

from __future__ import annotations

from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable

__all__ = ["routes"]

routes = RouteTable()


def _truthy(value: str) -> bool:
    return value.lower() in ("1", "true", "yes")


@routes.get("/phone-numbers")
def list_phone_numbers(ctx: Ctx) -> Reply:
    """The environment's numbers (unpaginated), filtered by type, capabilities, search."""
    q = ctx.query
    c = ctx.check(q)
    c.string("type", choices=("voice", "sms", "whatsapp", "mms", "fax"))
    c.done()
    numbers = list(ctx.env.phone_numbers.values())
    if q.get("type"):
        numbers = [n for n in numbers if n["type"] == q["type"]]
    for flag in ("has_voice", "has_whatsapp"):
        if q.get(flag):
            numbers = [n for n in numbers if n[flag] == _truthy(q[flag])]
    if q.get("search"):
        needle = q["search"]
        numbers = [n for n in numbers if needle in n["number"] or needle == n["id"]]
    return ok([{k: v for k, v in n.items() if not k.startswith("_")} for n in numbers])


@routes.post("/phone-numbers/{phone_number_id}/request-release")
def request_release(ctx: Ctx) -> Reply:
    """Ask for a number's release: 201 with a `pending` request."""
    number = ctx.env.phone_numbers.get(ctx.params["phone_number_id"])
    if number is None:
        raise ApiError(404, "Phone number not found")
    c = ctx.check()
    reason = c.string("reason", required=True, min_len=10, max_len=500)
    c.done()
    request = {
        "id": ctx.new_id(),
        "phone_number_id": number["id"],
        "phone_number": number["number"],
        "reason": reason,
        "status": "pending",
        "requested_at": ctx.iso(),
    }
    ctx.env.release_requests.append(request)
    return ok(dict(request), status=201)


@routes.get("/phone-numbers/release-requests")
def list_release_requests(ctx: Ctx) -> Reply:
    """Every release request (unpaginated)."""
    return ok([dict(r) for r in ctx.env.release_requests])
