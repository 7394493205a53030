"""Auto top-up, environment token (platform.md §3).

Charges succeed unless `fake.decline_payments("insufficient_funds")` was called; a successful
charge adds to `fake.account.balance` and to the top-up history.
"""

from __future__ import annotations

from typing import Any

from ..paging import paginate
from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable

__all__ = ["routes"]

routes = RouteTable()
SETTINGS_KEYS = ("is_enabled", "threshold_amount", "recharge_amount", "scheduled_payment_enabled",
                 "scheduled_amount", "day_of_month", "payment_method_id", "daily_limit",
                 "recharge_count_today", "last_recharge_at", "currency")  # fmt: skip


def _settings(ctx: Ctx) -> dict[str, Any]:
    settings = ctx.env.auto_topup
    if not settings:
        settings.update(
            is_enabled=False,
            threshold_amount=None,
            recharge_amount=None,
            scheduled_payment_enabled=False,
            scheduled_amount=None,
            day_of_month=None,
            payment_method_id=None,
            daily_limit=500.0,
            recharge_count_today=0,
            last_recharge_at=None,
            currency=ctx.account.currency,
        )
    return settings


def _payment_method(ctx: Ctx, method_id: str | None) -> dict[str, Any] | None:
    methods = ctx.account.payment_methods
    if method_id is None:
        return next((m for m in methods if m.get("is_default")), methods[0] if methods else None)
    return next((m for m in methods if m["id"] == method_id), None)


def _charge(ctx: Ctx, amount: float, method_id: str | None, *, details: bool) -> dict[str, Any]:
    """Charge the card, or raise the documented 402."""
    reason = ctx.account.decline_reason
    if reason is not None:
        raise ApiError(
            402,
            "Payment method declined",
            code="PAYMENT_FAILED",
            details={"decline_reason": reason} if details else None,
        )
    ctx.account.balance = round(ctx.account.balance + amount, 2)
    return {
        "amount_charged": amount,
        "currency": ctx.account.currency,
        "new_balance": ctx.account.balance,
        "transaction_id": "txn_" + ctx.new_id().replace("-", "")[:24],
    }


@routes.get("/auto-topup/settings")
def get_settings(ctx: Ctx) -> Reply:
    """The environment's auto top-up configuration."""
    settings = _settings(ctx)
    return ok({k: settings.get(k) for k in SETTINGS_KEYS})


def _update(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    settings = _settings(ctx)
    settings.update(values)
    settings["updated_at"] = ctx.iso()
    return settings


@routes.put("/auto-topup/settings")
def put_settings(ctx: Ctx) -> Reply:
    """Configure threshold and/or monthly recharges."""
    c = ctx.check()
    values = {
        "is_enabled": c.boolean("is_enabled"),
        "threshold_amount": c.number("threshold_amount", low=1, high=1000),
        "recharge_amount": c.number("recharge_amount", low=1, high=1000),
        "scheduled_payment_enabled": c.boolean("scheduled_payment_enabled"),
        "scheduled_amount": c.number("scheduled_amount", low=1, high=1000),
        "day_of_month": c.integer("day_of_month", low=1, high=28),
        "payment_method_id": c.string("payment_method_id"),
    }
    if values["scheduled_payment_enabled"] and values["scheduled_amount"] is None:
        c.fail(
            "scheduled_amount",
            "The scheduled amount field is required when scheduled payment enabled is true.",
        )
    method_id = values["payment_method_id"]
    if isinstance(method_id, str) and _payment_method(ctx, method_id) is None:
        c.fail("payment_method_id", "The selected payment method id is invalid.")
    c.done()
    settings = _update(ctx, {k: v for k, v in values.items() if k in ctx.body})
    keys = ("is_enabled", "threshold_amount", "recharge_amount", "scheduled_payment_enabled",
            "payment_method_id", "daily_limit", "updated_at")  # fmt: skip
    return ok({k: settings.get(k) for k in keys})


@routes.post("/auto-topup/disable")
def disable(ctx: Ctx) -> Reply:
    """Switch auto top-up off, keeping the configuration."""
    settings = _update(ctx, {"is_enabled": False})
    keys = ("is_enabled", "threshold_amount", "recharge_amount", "payment_method_id", "updated_at")
    return ok({k: settings.get(k) for k in keys})


@routes.post("/auto-topup/test")
def test_topup(ctx: Ctx) -> Reply:
    """Charge `recharge_amount` now (a real charge on the real API)."""
    settings = _settings(ctx)
    method = _payment_method(ctx, settings.get("payment_method_id"))
    if not settings.get("is_enabled") or not settings.get("recharge_amount") or method is None:
        raise ApiError(422, "Auto topup is not configured", code="AUTO_TOPUP_NOT_CONFIGURED")
    amount = float(settings["recharge_amount"])
    event: dict[str, Any] = {
        "id": ctx.new_id(),
        "amount": amount,
        "currency": ctx.account.currency,
        "trigger": "test",
        "payment_method_id": method["id"],
    }
    before = ctx.account.balance
    try:
        result = _charge(ctx, amount, method["id"], details=True)
    except ApiError:
        event.update(status="failed", failure_reason="card_declined", created_at=ctx.iso())
        ctx.env.topup_history.append(event)
        raise
    event.update(
        status="succeeded",
        balance_before=before,
        balance_after=result["new_balance"],
        transaction_id=result["transaction_id"],
        created_at=ctx.iso(),
    )
    ctx.env.topup_history.append(event)
    settings["recharge_count_today"] = int(settings.get("recharge_count_today") or 0) + 1
    settings["last_recharge_at"] = ctx.iso()
    return ok(result, "Test recharge completed successfully")


@routes.get("/auto-topup/payment-methods")
def payment_methods(ctx: Ctx) -> Reply:
    """The account's saved cards."""
    return ok([dict(m) for m in ctx.account.payment_methods])


@routes.get("/auto-topup/history")
def history(ctx: Ctx) -> Reply:
    """Recharge events, newest first (four-key pagination, 25 per page)."""
    items = list(reversed(ctx.env.topup_history))
    return paginate(items, ctx.query, shape="four", default=25, maximum=100)
