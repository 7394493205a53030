"""Operations of the conversation-flow area (platform.md §1)."""

from __future__ import annotations

from ..models.flows import AgentFlow, FlowVersion
from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

FLOWS_GET = register(
    Operation(
        "flows.get",
        "GET",
        "/agents/{agent_id}/flow",
        True,
        AgentFlow,
        summary="An agent's conversation mode and flow graph",
    )
)
FLOWS_UPDATE = register(
    Operation(
        "flows.update",
        "PUT",
        "/agents/{agent_id}/flow",
        True,
        AgentFlow,
        summary="Set the conversation mode and flow (422 `errors[]` when invalid)",
    )
)
# The valid and invalid bodies carry no `data` (`{success, message}` / `{success: false,
# errors}`), so the registry decodes an `Ack`; `client.flows.validate` reads the body and
# returns a `FlowValidation` for both, and for a 422 with an `errors` list.
FLOWS_VALIDATE = register(
    Operation(
        "flows.validate",
        "POST",
        "/agents/{agent_id}/flow/validate",
        True,
        Ack,
        allow_failure=True,
        summary="Dry-run check of a flow (method returns `FlowValidation`, nothing saved)",
    )
)
FLOWS_VERSIONS = register(
    Operation(
        "flows.versions",
        "GET",
        "/agents/{agent_id}/flow/versions",
        True,
        list[FlowVersion],
        unwrap="versions",
        summary="Saved flow versions, newest first (`data.versions`)",
    )
)
