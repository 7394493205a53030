"""Test harnesses for code that talks to Talkover: a stateful fake of the whole API, served
in-process (`MockTransport(fake)`) or on loopback (`serve_fake`), with fault injection, a
request journal, a virtual clock and signed webhook deliveries. See docs/testing.md.
"""

from __future__ import annotations

from . import faults
from .catalog import AGENT_EVENTS, CAMPAIGN_EVENTS, EMMA, JAMES
from .clock import VirtualClock
from .delivery import SIGNATURE_HEADER, WebhookSink, sign
from .fake import DEFAULT_ACCOUNT_TOKEN, DEFAULT_TOKEN, FakeTalkover, Outcome
from .faults import Fault, FaultKind, Faults, RandomFault, ServerError
from .journal import Journal, JournalEntry, RequestView
from .lifecycle import CallTiming
from .replies import ApiError, Reply
from .server import serve_fake
from .state import Account, Agent, Call, Campaign, CampaignCall, DeliveryLog, Environment, Webhook
from .unknowns import UNKNOWNS, Unknown, Unknowns, use_unknowns

__all__ = [
    "AGENT_EVENTS",
    "Account",
    "Agent",
    "ApiError",
    "CAMPAIGN_EVENTS",
    "Call",
    "CallTiming",
    "Campaign",
    "CampaignCall",
    "DEFAULT_ACCOUNT_TOKEN",
    "DEFAULT_TOKEN",
    "DeliveryLog",
    "EMMA",
    "Environment",
    "FakeTalkover",
    "Fault",
    "FaultKind",
    "Faults",
    "JAMES",
    "Journal",
    "JournalEntry",
    "Outcome",
    "RandomFault",
    "Reply",
    "RequestView",
    "SIGNATURE_HEADER",
    "ServerError",
    "UNKNOWNS",
    "Unknown",
    "Unknowns",
    "VirtualClock",
    "Webhook",
    "WebhookSink",
    "faults",
    "serve_fake",
    "sign",
    "use_unknowns",
]
