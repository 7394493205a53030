"""Custom SIP trunks and their DIDs (platform.md §2).

Lifecycle: create (inactive, unverified) -> verify -> activate -> add DIDs. Verification fails
for trunks registered with the password `wrong` or marked with `fake.fail_trunk(trunk_id)`;
changing domain, transport, port or credentials resets `is_verified`.
"""

from __future__ import annotations

from typing import Any

from ..catalog import phone_number
from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable
from ..validation import Checker

__all__ = ["routes"]

routes = RouteTable()
CONNECTIVITY = frozenset(
    {"domain", "transport", "port", "username", "password", "outbound_proxy", "auth_realm"}
)
PUBLIC = ("id", "name", "provider_name", "domain", "username", "transport", "port",
          "outbound_proxy", "auth_realm", "is_active", "is_verified", "health_status",
          "last_health_check_at", "created_at", "updated_at")  # fmt: skip


def _fields(c: Checker, *, partial: bool) -> dict[str, Any]:
    need = not partial
    values = {
        "name": c.string("name", required=need, max_len=255),
        "provider_name": c.string("provider_name", required=need, max_len=255),
        "domain": c.string("domain", required=need, max_len=255),
        "username": c.string("username", required=need, max_len=255),
        "password": c.string("password", required=need, max_len=255),
        "port": c.integer("port", low=1, high=65535),
        "transport": c.string("transport", choices=("udp", "tcp", "tls")),
        "outbound_proxy": c.string("outbound_proxy", max_len=255),
        "auth_realm": c.string("auth_realm", max_len=255),
        "is_active": c.boolean("is_active"),
    }
    c.done()
    return {k: v for k, v in values.items() if k in c.body}


def _trunk(ctx: Ctx) -> dict[str, Any]:
    trunk = ctx.env.sip_trunks.get(ctx.params["trunk_id"])
    if trunk is None:
        raise ApiError(404, "SIP trunk not found")
    return trunk


def _dids(ctx: Ctx, trunk: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in ctx.env.phone_numbers.values() if n.get("_trunk_id") == trunk["id"]]


def _activation_check(trunk: dict[str, Any], values: dict[str, Any]) -> None:
    if values.get("is_active") and not trunk.get("is_verified"):
        raise ApiError(
            422,
            "SIP trunk must be verified before it can be activated.",
            table_code="VALIDATION_ERROR",
        )


@routes.post("/sip-trunks")
def create_trunk(ctx: Ctx) -> Reply:
    """Register a trunk (plans without `allow_custom_sip_trunks` answer 403)."""
    if not ctx.env.allow_custom_sip_trunks:
        raise ApiError(403, "Your plan does not allow custom SIP trunks.")
    values = _fields(ctx.check(), partial=False)
    transport = values.get("transport") or "tls"
    trunk: dict[str, Any] = {
        "id": ctx.new_id(),
        "transport": transport,
        "port": 5061 if transport == "tls" else 5060,
        "outbound_proxy": None,
        "auth_realm": None,
        **values,
        "is_active": False,
        "is_verified": False,
        "health_status": None,
        "last_health_check_at": None,
        "created_at": ctx.iso(),
        "updated_at": ctx.iso(),
    }
    _activation_check(trunk, values)
    ctx.env.sip_trunks[trunk["id"]] = trunk
    keys = ("id", "name", "provider_name", "domain", "transport", "port", "is_active",
            "is_verified", "created_at")  # fmt: skip
    return ok({k: trunk[k] for k in keys}, status=ctx.created())


@routes.get("/sip-trunks/{trunk_id}")
def get_trunk(ctx: Ctx) -> Reply:
    """The full trunk (never the password)."""
    trunk = _trunk(ctx)
    return ok({k: trunk.get(k) for k in PUBLIC})


@routes.put("/sip-trunks/{trunk_id}")
def update_trunk(ctx: Ctx) -> Reply:
    """Partial update; connectivity changes reset `is_verified` (and deactivate)."""
    trunk = _trunk(ctx)
    values = _fields(ctx.check(), partial=True)
    if CONNECTIVITY & set(values):
        trunk["is_verified"] = False
        trunk["is_active"] = False
    _activation_check(trunk, values)
    trunk.update(values)
    trunk["updated_at"] = ctx.iso()
    return ok({k: trunk[k] for k in ("id", "name", "is_active", "is_verified", "updated_at")})


@routes.delete("/sip-trunks/{trunk_id}")
def delete_trunk(ctx: Ctx) -> Reply:
    """Delete a trunk without DIDs."""
    trunk = _trunk(ctx)
    if _dids(ctx, trunk):
        raise ApiError(
            409,
            "Trunk still has DIDs attached. Delete DIDs before deleting the trunk.",
            code="TRUNK_HAS_DIDS",
        )
    del ctx.env.sip_trunks[trunk["id"]]
    return ok(message="SIP trunk deleted")


@routes.post("/sip-trunks/{trunk_id}/verify")
def verify_trunk(ctx: Ctx) -> Reply:
    """Try to register; a failure is a 200 `{success: false, data}`."""
    trunk = _trunk(ctx)
    now = ctx.iso()
    trunk["last_health_check_at"] = now
    if trunk.get("password") == "wrong" or trunk.get("_fail"):
        trunk.update(is_verified=False, health_status="unhealthy")
        data = {
            "is_verified": False,
            "health_status": "unhealthy",
            "error": trunk.get("_fail") or "Authentication failed (401)",
        }
        return Reply({"success": False, "data": data})
    trunk.update(is_verified=True, health_status="healthy")
    return ok({"is_verified": True, "health_status": "healthy", "last_health_check_at": now})


@routes.get("/sip-trunks/{trunk_id}/health")
def trunk_health(ctx: Ctx) -> Reply:
    """A live probe (does not touch `is_verified`)."""
    trunk = _trunk(ctx)
    if trunk.get("_fail"):
        data = {"is_healthy": False, "response_time_ms": 5000, "checked_at": ctx.iso(),
                "error": "Connection timeout"}  # fmt: skip
    else:
        data = {"is_healthy": True, "response_time_ms": 142, "checked_at": ctx.iso()}
    return ok(data)


def _did_json(number: dict[str, Any]) -> dict[str, Any]:
    return {k: number[k] for k in ("id", "number", "country_code", "formatted_number")}


@routes.get("/sip-trunks/{trunk_id}/dids")
def list_dids(ctx: Ctx) -> Reply:
    """The numbers routed through the trunk (unpaginated)."""
    return ok([_did_json(n) for n in _dids(ctx, _trunk(ctx))])


@routes.post("/sip-trunks/{trunk_id}/dids")
def create_did(ctx: Ctx) -> Reply:
    """Add a DID; it also joins the environment's phone numbers."""
    trunk = _trunk(ctx)
    c = ctx.check()
    country = c.string("country_code", required=True, min_len=2, max_len=2)
    number = c.phone("number", required=True)
    c.done()
    if any(n["number"] == number for n in ctx.env.phone_numbers.values()):
        raise ApiError(
            409,
            "This number is already registered in your environment",
            code="DID_ALREADY_EXISTS",
        )
    record = phone_number(
        ctx.new_id(), number or "", ctx.iso(), country_code=(country or "US").upper()
    )
    record["_trunk_id"] = trunk["id"]
    ctx.env.phone_numbers[record["id"]] = record
    return ok({**_did_json(record), "trunk_id": trunk["id"]}, status=ctx.created())


@routes.delete("/sip-trunks/{trunk_id}/dids/{phone_number_id}")
def delete_did(ctx: Ctx) -> Reply:
    """Remove a DID that no agent uses."""
    trunk = _trunk(ctx)
    number = ctx.env.phone_numbers.get(ctx.params["phone_number_id"])
    if number is None or number.get("_trunk_id") != trunk["id"]:
        raise ApiError(404, "DID not found")
    if any(number["id"] in a.phone_number_ids for a in ctx.env.agents.values()):
        raise ApiError(409, "DID is still assigned to active agents", code="DID_IN_USE")
    del ctx.env.phone_numbers[number["id"]]
    return ok(message="DID removed")
