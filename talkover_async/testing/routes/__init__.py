"""The fake's endpoints, one module per API area (the client's names: `client.<area>`, nested
areas with their parent); `TABLES` lists them all."""

from __future__ import annotations

from .agents import routes as agents
from .api_tokens import routes as api_tokens
from .auto_topup import routes as auto_topup
from .callback_agents import routes as callback_agents
from .calls import routes as calls
from .campaigns import routes as campaigns
from .credits import routes as credits
from .flows import routes as flows
from .health import routes as health
from .phone_numbers import routes as phone_numbers
from .sip_trunks import routes as sip_trunks
from .user import routes as user
from .voice_templates import routes as voice_templates
from .webhooks import routes as webhooks

__all__ = ["TABLES"]

TABLES = (
    agents,
    calls,
    campaigns,
    webhooks,
    callback_agents,
    voice_templates,
    phone_numbers,
    flows,
    sip_trunks,
    auto_topup,
    credits,
    api_tokens,
    user,
    health,
)
