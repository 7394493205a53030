"""attrs models of every API object, one module per area."""

from .agents import (
    Action,
    ActionInput,
    ActionStatus,
    ActionType,
    AdvancedSettings,
    Agent,
    AgentPricing,
    AgentStatus,
    EmbeddedPhoneNumber,
    InterruptSensitivity,
    Language,
    OptimizedCostsEligibility,
    PriceComponent,
    Training,
    TrainingStatus,
    TransportPrice,
    Voice,
    VoiceTemplateRef,
    WhoSpeaksFirst,
)
from .calls import (
    Call,
    CallStatus,
    EndedCall,
)
from .common import (
    AgentRef,
    Direction,
    PaginationInfo,
)
from .results import (
    Ack,
)

__all__ = [
    "Ack",
    "Action",
    "ActionInput",
    "ActionStatus",
    "ActionType",
    "AdvancedSettings",
    "Agent",
    "AgentPricing",
    "AgentRef",
    "AgentStatus",
    "Call",
    "CallStatus",
    "Direction",
    "EmbeddedPhoneNumber",
    "EndedCall",
    "InterruptSensitivity",
    "Language",
    "OptimizedCostsEligibility",
    "PaginationInfo",
    "PriceComponent",
    "Training",
    "TrainingStatus",
    "TransportPrice",
    "Voice",
    "VoiceTemplateRef",
    "WhoSpeaksFirst",
]
