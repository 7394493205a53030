"""Resource clients, one module per API area."""

from .agent_actions import ActionsResource
from .agent_trainings import TrainingsResource
from .agent_webhooks import AgentWebhooksResource
from .agents import AgentsResource
from .api_tokens import ApiTokensResource
from .auto_topup import AutoTopupResource
from .base import Resource
from .callback_agents import CallbackAgentsResource
from .calls import CallsResource
from .campaign_sftp import CampaignSftpResource
from .campaign_webhooks import CampaignWebhooksResource
from .campaigns import CampaignsResource
from .credits import CreditsResource
from .flows import FlowsResource
from .health import HealthResource
from .phone_numbers import PhoneNumbersResource
from .sip_trunk_dids import SipTrunkDidsResource
from .sip_trunks import SipTrunksResource
from .user import UserResource
from .voice_templates import VoiceTemplatesResource

__all__ = [
    "ActionsResource",
    "AgentWebhooksResource",
    "AgentsResource",
    "ApiTokensResource",
    "AutoTopupResource",
    "CallbackAgentsResource",
    "CallsResource",
    "CampaignSftpResource",
    "CampaignWebhooksResource",
    "CampaignsResource",
    "CreditsResource",
    "FlowsResource",
    "HealthResource",
    "PhoneNumbersResource",
    "Resource",
    "SipTrunkDidsResource",
    "SipTrunksResource",
    "TrainingsResource",
    "UserResource",
    "VoiceTemplatesResource",
]
