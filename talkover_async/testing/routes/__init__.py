"""The fake's endpoints, one module per API area; `TABLES` lists them all."""

from __future__ import annotations

from .account import routes as account
from .agents import routes as agents
from .billing import routes as billing
from .callbacks import routes as callbacks
from .calls import routes as calls
from .campaigns import routes as campaigns
from .flows import routes as flows
from .numbers import routes as numbers
from .sip import routes as sip
from .webhooks import routes as webhooks

__all__ = ["TABLES"]

TABLES = (
    agents,
    calls,
    campaigns,
    webhooks,
    callbacks,
    numbers,
    flows,
    sip,
    billing,
    account,
)
