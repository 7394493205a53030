"""Conversation flows (platform.md §1, §5): requests sent, strict decoding of the documented
bodies, the three flow error shapes, the invalid documented example, and the local
`validate_flow_config()` checks."""

from __future__ import annotations

from typing import Any

import cattrs
import pytest

from talkover_async import InvalidRequestError, ValidationError
from talkover_async.models.flows import (
    AgentFlow,
    Branch,
    ConversationMode,
    FlowConfig,
    FlowMeta,
    FlowNode,
    FlowValidation,
    FlowVersion,
    NodeType,
    validate_flow_config,
)
from talkover_async.operations import decode
from talkover_async.serde import structure, unstructure

from .recorder import Recorder, client_for

AGENT_ID = "550e8400-e29b-41d4-a716-446655440000"
BASE = f"https://app.talkover.ai/api/v1/agents/{AGENT_ID}/flow"

#: The GET example of the docs: its decision branches point to `node-book` and
#: `node-transfer`, which are not in `nodes` (platform.md §7.4), and `node-end` is unreachable.
DOC_FLOW: dict[str, Any] = {
    "initial_node_id": "node-greet",
    "meta": {"name": "Lead qualification", "version": "1.2.0"},
    "nodes": [
        {
            "id": "node-greet",
            "type": "say",
            "content": "Hi! Thanks for calling.",
            "next": "node-qualify",
        },
        {
            "id": "node-qualify",
            "type": "decision",
            "branches": [
                {"match": "yes", "next": "node-book"},
                {"match": "no", "next": "node-transfer"},
            ],
        },
        {"id": "node-end", "type": "end"},
    ],
    "global_functions": [{"name": "end_conversation", "description": "End the call politely"}],
}

VALID_FLOW: dict[str, Any] = {
    "initial_node_id": "greet",
    "nodes": [
        {"id": "greet", "type": "say", "content": "Hello", "next": "ask"},
        {
            "id": "ask",
            "type": "decision",
            "branches": [{"match": "yes", "next": "bye"}, {"match": "no", "next": "bye"}],
        },
        {"id": "bye", "type": "end"},
    ],
}


# --- get ------------------------------------------------------------------------------------


async def test_get_decodes_documented_example_strictly() -> None:
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": {"conversation_mode": "flow_driven", "flow_config": DOC_FLOW},
            },
        )
    )
    async with client_for(rec) as client:
        flow = await client.flows.get(AGENT_ID)
    assert rec.last.method == "GET" and rec.last.url == BASE
    assert isinstance(flow, AgentFlow) and flow.conversation_mode is ConversationMode.FLOW_DRIVEN
    cfg = flow.flow_config
    assert cfg is not None and cfg.initial_node_id == "node-greet"
    assert cfg.meta == FlowMeta(name="Lead qualification", version="1.2.0")
    assert [n.type for n in cfg.nodes] == [NodeType.SAY, NodeType.DECISION, NodeType.END]
    assert cfg.nodes[1].branches == [
        Branch(match="yes", next="node-book"),
        Branch(match="no", next="node-transfer"),
    ]
    assert cfg.global_functions[0].name == "end_conversation"


async def test_get_llm_driven_has_null_flow() -> None:
    rec = Recorder(
        (200, {"success": True, "data": {"conversation_mode": "llm_driven", "flow_config": None}})
    )
    async with client_for(rec) as client:
        flow = await client.flows.get(AGENT_ID)
    assert flow.conversation_mode is ConversationMode.LLM_DRIVEN and flow.flow_config is None


def test_unknown_node_type_and_fields_are_kept_and_round_trip() -> None:
    """Open node types; undocumented `ask`/`action` fields land in `extra` and go back out."""
    doc = {
        "initial_node_id": "a",
        "nodes": [
            {"id": "a", "type": "ask", "question": "Your name?", "variable": "name", "next": "b"},
            {"id": "b", "type": "webform", "url": "https://example.com"},
        ],
        "future_key": {"x": 1},
    }
    cfg = structure(doc, FlowConfig)
    assert cfg.nodes[0].type is NodeType.ASK and cfg.nodes[0].extra == {
        "question": "Your name?",
        "variable": "name",
    }
    assert cfg.nodes[1].type == "webform" and cfg.extra == {"future_key": {"x": 1}}
    assert unstructure(cfg) == doc
    with pytest.raises(cattrs.BaseValidationError):  # strict mode: unknown fields are drift
        structure(doc, FlowConfig, strict=True)


# --- update ---------------------------------------------------------------------------------


async def test_update_flow_driven_sends_flow_config_from_model() -> None:
    cfg = structure(VALID_FLOW, FlowConfig)
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": {"conversation_mode": "flow_driven", "flow_config": VALID_FLOW},
            },
        )
    )
    async with client_for(rec) as client:
        flow = await client.flows.update(
            AGENT_ID, conversation_mode=ConversationMode.FLOW_DRIVEN, flow_config=cfg
        )
    assert rec.last.method == "PUT" and rec.last.url == BASE
    assert rec.body() == {"conversation_mode": "flow_driven", "flow_config": VALID_FLOW}
    assert flow.flow_config == cfg


async def test_update_llm_driven_omits_flow_and_reads_mode_from_response() -> None:
    """Trap §7.5: the documented example sends `llm_driven` and shows `flow_driven` back."""
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": {"conversation_mode": "flow_driven", "flow_config": DOC_FLOW},
            },
        )
    )
    async with client_for(rec) as client:
        flow = await client.flows.update(AGENT_ID, conversation_mode="llm_driven")
    assert rec.body() == {"conversation_mode": "llm_driven"}
    assert flow.conversation_mode is ConversationMode.FLOW_DRIVEN


async def test_update_does_not_validate_the_graph_locally() -> None:
    """The invalid documented flow is sent as is: the server decides (422)."""
    rec = Recorder(
        (
            422,
            {
                "success": False,
                "message": "Flow validation failed",
                "errors": [
                    "Node 'node-qualify' references unknown next node 'node-book'",
                    "Node 'node-qualify' references unknown next node 'node-transfer'",
                ],
            },
        )
    )
    async with client_for(rec) as client:
        with pytest.raises(ValidationError) as info:
            await client.flows.update(
                AGENT_ID, conversation_mode="flow_driven", flow_config=DOC_FLOW
            )
    assert rec.body()["flow_config"] == DOC_FLOW
    err = info.value
    assert err.status_code == 422 and err.message == "Flow validation failed"
    assert err.errors == (
        "Node 'node-qualify' references unknown next node 'node-book'",
        "Node 'node-qualify' references unknown next node 'node-transfer'",
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"conversation_mode": "scripted"}, "conversation_mode"),
        ({"conversation_mode": "flow_driven"}, "flow_config"),
        ({"conversation_mode": "llm_driven", "flow_config": VALID_FLOW}, "flow_config"),
        ({"conversation_mode": "flow_driven", "flow_config": "not a flow"}, "flow_config"),
        (
            {"conversation_mode": "flow_driven", "flow_config": {"nodes": VALID_FLOW["nodes"]}},
            "flow_config.initial_node_id",
        ),
        (
            {
                "conversation_mode": "flow_driven",
                "flow_config": {"initial_node_id": "a", "nodes": []},
            },
            "flow_config.nodes",
        ),
        (
            {"conversation_mode": "flow_driven", "flow_config": {"initial_node_id": "a"}},
            "flow_config.nodes",
        ),
        (
            {
                "conversation_mode": "flow_driven",
                "flow_config": {"initial_node_id": "a", "nodes": ["a"]},
            },
            "flow_config.nodes",
        ),
        (
            {
                "conversation_mode": "flow_driven",
                "flow_config": {"initial_node_id": "a", "nodes": [{"type": "end"}]},
            },
            "flow_config.nodes[0].id",
        ),
        (
            {
                "conversation_mode": "flow_driven",
                "flow_config": {"initial_node_id": "a", "nodes": [{"id": "a"}]},
            },
            "flow_config.nodes[0].type",
        ),
    ],
)
async def test_update_rejects_bad_arguments_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.flows.update(AGENT_ID, **kwargs)
    assert info.value.field == field
    assert rec.requests == []


# --- validate -------------------------------------------------------------------------------


async def test_validate_valid_shape() -> None:
    rec = Recorder((200, {"success": True, "message": "Flow is valid"}))
    async with client_for(rec) as client:
        result = await client.flows.validate(AGENT_ID, flow_config=VALID_FLOW)
    assert rec.last.method == "POST" and rec.last.url == f"{BASE}/validate"
    assert rec.body() == {"flow_config": VALID_FLOW}
    assert result == FlowValidation(valid=True, errors=[], message="Flow is valid")


async def test_validate_invalid_2xx_shape_is_a_result() -> None:
    """Trap §7.3: `{success: false, errors}` with no `message` and an undocumented status."""
    errors = ["Duplicate node id: 'node-greet'", "Node 'node-end' is unreachable"]
    rec = Recorder((200, {"success": False, "errors": errors}))
    async with client_for(rec) as client:
        result = await client.flows.validate(AGENT_ID, flow_config=DOC_FLOW)
    assert result == FlowValidation(valid=False, errors=errors, message=None)


@pytest.mark.parametrize(
    "body",
    [
        {"success": False, "errors": ["Node 'node-end' is unreachable"]},
        {
            "success": False,
            "message": "Flow validation failed",
            "errors": ["Node 'node-end' is unreachable"],
        },
    ],
)
async def test_validate_invalid_422_is_the_same_result(body: dict[str, Any]) -> None:
    rec = Recorder((422, body))
    async with client_for(rec) as client:
        result = await client.flows.validate(AGENT_ID, flow_config=DOC_FLOW)
    assert result.valid is False and result.errors == ["Node 'node-end' is unreachable"]
    assert result.message == body.get("message")


async def test_validate_other_errors_still_raise() -> None:
    """A 422 with per-field errors (a malformed request, not a verdict) is not a result."""
    rec = Recorder(
        (422, {"message": "The given data was invalid.", "errors": {"flow_config": ["required"]}})
    )
    async with client_for(rec) as client:
        with pytest.raises(ValidationError) as info:
            await client.flows.validate(AGENT_ID, flow_config={})
    assert info.value.field_errors == {"flow_config": ("required",)}


async def test_validate_rejects_non_object_before_io() -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError):
            await client.flows.validate(AGENT_ID, flow_config=[1, 2])  # type: ignore[arg-type]
    assert rec.requests == []


def test_decode_validate_matches_the_method_for_every_shape() -> None:
    assert decode(
        "flows.validate", 200, b'{"success": true, "message": "Flow is valid"}'
    ) == FlowValidation(valid=True, message="Flow is valid")
    assert decode("flows.validate", 200, b'{"success": false, "errors": ["x"]}') == FlowValidation(
        valid=False, errors=["x"]
    )
    assert decode("flows.validate", 422, b'{"success": false, "errors": ["y"]}') == FlowValidation(
        valid=False, errors=["y"]
    )
    with pytest.raises(ValidationError):
        decode(
            "flows.validate", 422, b'{"message": "bad", "errors": {"flow_config": ["required"]}}'
        )


# --- versions -------------------------------------------------------------------------------


async def test_versions_unwraps_data_versions() -> None:
    versions = [
        {"id": "v2", "version": "1.2.0", "created_at": "2024-03-01T10:00:00Z", "is_current": True},
        {"id": "v1", "version": "1.1.0", "created_at": "2024-02-01T10:00:00Z", "is_current": False},
    ]
    rec = Recorder((200, {"success": True, "data": {"versions": versions}}))
    async with client_for(rec) as client:
        result = await client.flows.versions(AGENT_ID)
    assert rec.last.method == "GET" and rec.last.url == f"{BASE}/versions"
    assert [v.version for v in result] == ["1.2.0", "1.1.0"] and result[0].is_current is True
    assert all(isinstance(v, FlowVersion) for v in result)
    assert result[0].created_at is not None and result[0].created_at.tzinfo is not None


def test_decode_versions_without_wrapper_is_a_decode_error() -> None:
    from talkover_async import ResponseDecodeError

    with pytest.raises(ResponseDecodeError):
        decode("flows.versions", 200, b'{"success": true, "data": []}')


# --- validate_flow_config -------------------------------------------------------------------


def test_local_validation_accepts_a_valid_flow_dict_and_model() -> None:
    assert validate_flow_config(VALID_FLOW) == FlowValidation(valid=True)
    assert validate_flow_config(structure(VALID_FLOW, FlowConfig)).valid is True


def test_local_validation_rejects_the_documented_example() -> None:
    """Trap §7.4: the docs' own GET example fails the documented rules."""
    result = validate_flow_config(structure(DOC_FLOW, FlowConfig))
    assert result.valid is False
    assert result.errors == [
        "Node 'node-qualify' references unknown next node 'node-book'",
        "Node 'node-qualify' references unknown next node 'node-transfer'",
        "Node 'node-end' is unreachable",
    ]


def test_local_validation_duplicate_ids_and_missing_initial() -> None:
    flow = FlowConfig(
        initial_node_id="start",
        nodes=[FlowNode(id="a", type="end"), FlowNode(id="a", type="say", content="x")],
    )
    assert validate_flow_config(flow).errors == [
        "Duplicate node id: 'a'",
        "initial_node_id 'start' not found in nodes",
    ]
    assert validate_flow_config({"nodes": [{"id": "a", "type": "end"}]}).errors == [
        "initial_node_id is required"
    ]


def test_local_validation_reachability_follows_next_and_branches() -> None:
    flow = {
        "initial_node_id": "a",
        "nodes": [
            {"id": "a", "type": "decision", "branches": [{"match": "y", "next": "c"}]},
            {"id": "b", "type": "say", "content": "orphan", "next": "c"},
            {"id": "c", "type": "say", "content": "x", "next": "d"},
            {"id": "d", "type": "end"},
            {"type": "end"},
        ],
    }
    assert validate_flow_config(flow).errors == [
        "Node at index 4 has no id",
        "Node 'b' is unreachable",
    ]


@pytest.mark.parametrize("flow", [{}, {"nodes": []}, {"nodes": "x"}, "flow"])
def test_local_validation_malformed_documents(flow: Any) -> None:
    result = validate_flow_config(flow)
    assert result.valid is False and len(result.errors) == 1
