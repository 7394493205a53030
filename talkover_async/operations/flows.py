"""Operations of the conversation-flow area (platform.md §1)."""

from __future__ import annotations

import attrs

from ..envelope import error_from_response, load_json
from ..errors import ValidationError
from ..http import Response
from ..models.flows import AgentFlow, FlowValidation, FlowVersion
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


def decode_validation(response: Response) -> FlowValidation:
    """A `FlowValidation` for every documented answer of validate: 2xx `{success, message}`,
    2xx `{success: false, errors}`, and (status undocumented) a 422 with an `errors` list.
    Any other error status raises its typed error."""
    if response.status_code >= 400:
        error = error_from_response(response)
        if response.status_code == 422 and isinstance(error, ValidationError) and error.errors:
            return attrs.evolve(FlowValidation.from_body(load_json(response)), valid=False)
        raise error
    return FlowValidation.from_body(load_json(response) if response.content.strip() else None)


FLOWS_VALIDATE = register(
    Operation(
        "flows.validate",
        "POST",
        "/agents/{agent_id}/flow/validate",
        True,
        FlowValidation,
        decoder=decode_validation,
        summary="Dry-run check of a flow (an invalid flow is a result, nothing saved)",
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
