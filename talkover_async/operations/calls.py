"""Operations of the calls area (agents.md §3, calls-campaigns.md §2.1-2.4)."""

from __future__ import annotations

from ..models.calls import Call, EndedCall
from . import Operation, register

__all__: list[str] = []

AGENTS_CALL = register(
    Operation(
        "agents.call",
        "POST",
        "/agents/{agent_id}/call",
        False,
        Call,
        summary="Place a phone call (side effect)",
    )
)
AGENTS_CALLS = register(
    Operation(
        "agents.calls",
        "GET",
        "/agents/{agent_id}/calls",
        True,
        Call,
        paginated=True,
        summary="An agent's call history (paged)",
    )
)
CALLS_LIST = register(
    Operation(
        "calls.list",
        "GET",
        "/calls",
        True,
        Call,
        paginated=True,
        summary="Every call of the environment (paged)",
    )
)
CALLS_END = register(
    Operation(
        "calls.end",
        "POST",
        "/agents/{agent_id}/end-call",
        True,
        EndedCall,
        summary="Hang up an active call",
    )
)
