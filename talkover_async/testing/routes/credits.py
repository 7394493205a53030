"""Credits: balance and purchase, user session token (platform.md §4.1-4.2).

A purchase charges like an auto-topup test (`auto_topup._charge`): it succeeds unless
`fake.decline_payments("insufficient_funds")` was called, and adds to `fake.account.balance`.
"""

from __future__ import annotations

from ..replies import Reply, ok
from ..routing import Ctx, RouteTable
from .auto_topup import _charge, _payment_method

__all__ = ["routes"]

routes = RouteTable()
ACCOUNT = {"auth": "account", "family": "default"}


@routes.get("/credits/balance", **ACCOUNT)
def balance(ctx: Ctx) -> Reply:
    """The account's credit balance."""
    enabled = any(bool(e.auto_topup.get("is_enabled")) for e in ctx.fake.environments)
    data = {
        "balance": ctx.account.balance,
        "currency": ctx.account.currency,
        "auto_topup_enabled": enabled,
        "as_of": ctx.iso(),
    }
    return ok(data)


@routes.post("/credits/purchase", **ACCOUNT)
def purchase(ctx: Ctx) -> Reply:
    """Buy credits with a saved card (402 `PAYMENT_FAILED` when declined)."""
    c = ctx.check()
    amount = c.number("amount", required=True, low=0, exclusive_low=True)
    method_id = c.string("payment_method_id")
    if method_id is not None and _payment_method(ctx, method_id) is None:
        c.fail("payment_method_id", "The selected payment method id is invalid.")
    c.done()
    return ok(_charge(ctx, float(amount or 0), method_id, details=False))
