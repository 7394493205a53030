"""attrs models of every API object, one module per area.

Each area module's `__all__` lists its public models; this package re-exports them all (the
list below is kept literal for type checkers), and `talkover_async` re-exports it in turn.
"""

# ruff: noqa: F403, F405

from .agents import *
from .api_tokens import *
from .auto_topup import *
from .callback_agents import *
from .calls import *
from .campaign_sftp import *
from .campaigns import *
from .common import *
from .credits import *
from .events import *
from .flows import *
from .health import *
from .phone_numbers import *
from .results import *
from .sip_trunks import *
from .user import *
from .voice_templates import *
from .webhooks import *

__all__ = [
    "Ack",
    "Action",
    "ActionInput",
    "ActionStatus",
    "ActionType",
    "AdvancedSettings",
    "Agent",
    "AgentFlow",
    "AgentPricing",
    "AgentRef",
    "AgentStatus",
    "AgentWebhook",
    "AgentWebhookList",
    "ApiToken",
    "AuthorizationScheme",
    "AutoTopupSettings",
    "Branch",
    "Call",
    "CallEvent",
    "CallStatus",
    "CallTimeRange",
    "CallbackAgent",
    "CallbackAgentDetails",
    "CallbackAgentStats",
    "CallbackConfig",
    "CallbackSourceAgent",
    "CallbackSourceAgentCount",
    "CallbackStats",
    "CallbackStatsPeriod",
    "CallbackTriggerStatus",
    "Campaign",
    "CampaignCall",
    "CampaignCallEvent",
    "CampaignCallResult",
    "CampaignCallSummary",
    "CampaignEvent",
    "CampaignFile",
    "CampaignFileStatus",
    "CampaignRef",
    "CampaignStats",
    "CampaignStatus",
    "CampaignType",
    "CampaignWebhook",
    "CampaignWebhookEvent",
    "Card",
    "Charge",
    "ConversationMode",
    "CreditBalance",
    "CustomHeader",
    "Direction",
    "DoNotCallListSource",
    "EmbeddedPhoneNumber",
    "EndedCall",
    "EventFamily",
    "EventType",
    "FlowConfig",
    "FlowMeta",
    "FlowNode",
    "FlowValidation",
    "FlowVersion",
    "GlobalFunction",
    "HealthStatus",
    "HealthStatusValue",
    "InterruptSensitivity",
    "Language",
    "NodeType",
    "OptimizedCostsEligibility",
    "PaginationInfo",
    "PaymentMethod",
    "PhoneNumber",
    "PhoneNumberType",
    "PriceComponent",
    "QualityTier",
    "ReleaseRequest",
    "ReleaseRequestStatus",
    "SftpAuthType",
    "SftpConfig",
    "SftpImportJob",
    "SftpImportSchedule",
    "SftpTestResult",
    "SipTransport",
    "SipTrunk",
    "SipTrunkDid",
    "SipTrunkHealth",
    "SipTrunkVerification",
    "TestEvent",
    "TopupEvent",
    "TopupStatus",
    "TopupTrigger",
    "Training",
    "TrainingStatus",
    "TransportPrice",
    "UnknownEvent",
    "User",
    "Voice",
    "VoiceDemo",
    "VoiceTemplate",
    "VoiceTemplateGroup",
    "VoiceTemplateRef",
    "WebhookEvent",
    "WebhookHttpMethod",
    "WebhookLog",
    "WebhookLogRetry",
    "WebhookLogStatus",
    "WebhookStatus",
    "WebhookTestResult",
    "Weekday",
    "WhoSpeaksFirst",
    "validate_flow_config",
]
