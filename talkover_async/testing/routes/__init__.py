"""The fake's endpoints, one module per API area; `TABLES` lists them all."""

from __future__ import annotations

from . import account, agents, billing, callbacks, calls, campaigns, flows, numbers, sip
from . import webhooks

__all__ = ["TABLES"]

TABLES = (
    agents.routes,
    calls.routes,
    campaigns.routes,
    webhooks.routes,
    callbacks.routes,
    numbers.routes,
    flows.routes,
    sip.routes,
    billing.routes,
    account.routes,
)
