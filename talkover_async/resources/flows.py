"""`client.flows`: an agent's conversation flow and versions (platform.md §1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

import attrs

from ..envelope import error_from_response, load_json
from ..errors import InvalidRequestError, ValidationError
from ..http import Response
from ..models.flows import AgentFlow, ConversationMode, FlowConfig, FlowValidation, FlowVersion
from ..operations import Operation
from ..options import RequestOptions
from ..serde import unstructure
from ..validation import check_choice, check_list, check_str
from .base import Resource

__all__ = ["FlowsResource"]

MODES = frozenset(x.value for x in ConversationMode)


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


class FlowsResource(Resource):
    """An agent's conversation mode and flow graph: `client.flows`.

    Flow documents may be given as a `FlowConfig` (e.g. the one `get` returned, unknown node
    fields included) or as a plain mapping. `talkover_async.models.flows.validate_flow_config`
    checks a flow locally; no method here calls it for you.
    """

    __slots__ = ()

    _GET = Operation(
        "flows.get",
        "GET",
        "/agents/{agent_id}/flow",
        AgentFlow,
        side_effect=False,
        summary="An agent's conversation mode and flow graph",
    )

    async def get(self, agent_id: str, **options: Unpack[RequestOptions]) -> AgentFlow:
        """`GET /agents/{agent_id}/flow`: mode and flow (`flow_config` None when `llm_driven`).

        The documented example flow is itself invalid (branches to missing nodes): a flow read
        here may not pass `validate`."""
        result: AgentFlow = await self._client._execute(
            self._GET, {"agent_id": agent_id}, options=options
        )
        return result

    _UPDATE = Operation(
        "flows.update",
        "PUT",
        "/agents/{agent_id}/flow",
        AgentFlow,
        side_effect=False,
        summary="Set the conversation mode and flow (422 `errors[]` when invalid)",
    )

    async def update(
        self,
        agent_id: str,
        *,
        conversation_mode: ConversationMode | str,
        flow_config: FlowConfig | Mapping[str, Any] | None = None,
        **options: Unpack[RequestOptions],
    ) -> AgentFlow:
        """`PUT /agents/{agent_id}/flow`: set the mode and replace the flow.

        `flow_config` is required for `flow_driven` (with `initial_node_id` and a non-empty
        `nodes` list of objects with `id` and `type`) and must be left out for `llm_driven`.
        The graph itself is checked by the server: an invalid flow raises `ValidationError`
        (422, "Flow validation failed") whose `.errors` lists the problems. Every save creates
        a version; a published agent must be published again after a breaking change.
        """
        mode = check_choice("conversation_mode", conversation_mode, MODES)
        body: dict[str, Any] = {"conversation_mode": mode}
        if mode == ConversationMode.FLOW_DRIVEN:
            if flow_config is None:
                raise InvalidRequestError(
                    "flow_config", "is required when conversation_mode is flow_driven"
                )
            body["flow_config"] = _flow_body(flow_config, full=True)
        elif flow_config is not None:
            raise InvalidRequestError(
                "flow_config", "must be left out when conversation_mode is llm_driven"
            )
        result: AgentFlow = await self._client._execute(
            self._UPDATE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _VALIDATE = Operation(
        "flows.validate",
        "POST",
        "/agents/{agent_id}/flow/validate",
        FlowValidation,
        side_effect=False,
        decoder=decode_validation,
        summary="Dry-run check of a flow (an invalid flow is a result, nothing saved)",
    )

    async def validate(
        self,
        agent_id: str,
        *,
        flow_config: FlowConfig | Mapping[str, Any],
        **options: Unpack[RequestOptions],
    ) -> FlowValidation:
        """`POST /agents/{agent_id}/flow/validate`: dry-run check, nothing saved.

        An invalid flow is a result, not an exception: `FlowValidation(valid=False, errors)`.
        The status of the invalid answer is not documented, so the same result is returned
        for a 2xx `{success: false, errors}` and for a 422 carrying an `errors` list (the
        shape PUT uses). Other errors (401, 404, a 422 with per-field `errors`, ...) raise.
        The flow is sent as given; only its being an object is checked here.
        """
        body = {"flow_config": _flow_body(flow_config, full=False)}
        result: FlowValidation = await self._client._execute(
            self._VALIDATE, {"agent_id": agent_id}, body=body, options=options
        )
        return result

    _VERSIONS = Operation(
        "flows.versions",
        "GET",
        "/agents/{agent_id}/flow/versions",
        list[FlowVersion],
        side_effect=False,
        unwrap="versions",
        summary="Saved flow versions, newest first (`data.versions`)",
    )

    async def versions(self, agent_id: str, **options: Unpack[RequestOptions]) -> list[FlowVersion]:
        """`GET /agents/{agent_id}/flow/versions`: newest first (not paginated; the list sits
        in `data.versions`). Versions carry no flow and none can be fetched by id."""
        result: list[FlowVersion] = await self._client._execute(
            self._VERSIONS, {"agent_id": agent_id}, options=options
        )
        return result


def _flow_body(flow: FlowConfig | Mapping[str, Any], *, full: bool) -> dict[str, Any]:
    """The JSON of a flow document; with `full`, its required parts are checked."""
    if isinstance(flow, FlowConfig):
        data: dict[str, Any] = unstructure(flow)
    elif isinstance(flow, Mapping):
        data = dict(flow)
    else:
        raise InvalidRequestError("flow_config", "must be a FlowConfig or a mapping")
    if full:
        check_str("flow_config.initial_node_id", data.get("initial_node_id"), min_len=1)
        nodes = check_list("flow_config.nodes", data.get("nodes"), min_items=1, item=dict)
        for i, node in enumerate(nodes):
            check_str(f"flow_config.nodes[{i}].id", node.get("id"), min_len=1)
            check_str(f"flow_config.nodes[{i}].type", node.get("type"), min_len=1)
    return data
