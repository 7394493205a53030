"""Trainings and actions (agents.md §4): requests sent, strict decoding, argument checks before
any I/O, and the traps (`inputs` sent / `input_schema` returned; `node_id` optional for
trainings but required for actions; "updated successfully" on create)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from talkover_async import InvalidRequestError
from talkover_async.errors import NotFoundError, PermissionDeniedError
from talkover_async.models.agents import Action, ActionInput, ActionType, Training, TrainingStatus
from talkover_async.models.results import Ack
from talkover_async.operations import OPERATIONS, decode
from talkover_async.serde import structure

from .recorder import Recorder, client_for

AGENT = "550e8400-e29b-41d4-a716-446655440000"
TRAINING = {
    "id": "t-1",
    "subject": "Refund policy",
    "instructions": "Refunds are accepted within 30 days.",
    "current_status": "active",
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2024-01-15T10:30:00Z",
}
WEBHOOK_ACTION: dict[str, Any] = {
    "id": "act-1",
    "name": "lookup_order",
    "label": "lookup_order",
    "description": "Look up an order",
    "type": "webhook",
    "input_schema": [
        {"name": "order_id", "type": "string", "required": True, "description": "The order"}
    ],
    "config": None,
    "action_trigger": None,
    "url": "https://api.example.com/orders",
    "authorization_url": None,
    "current_status": "active",
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2024-01-15T10:30:00Z",
}
HOLD_ACTION = {
    **WEBHOOK_ACTION,
    "id": "act-2",
    "name": "hold",
    "label": "hold",
    "type": "hold",
    "input_schema": [],
    "url": None,
}


async def test_trainings_list_create_delete() -> None:
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": [TRAINING, {**TRAINING, "id": "t-2", "current_status": "inactive"}],
            },
        ),
        (200, {"success": True, "data": []}),
        (
            200,
            {
                "success": True,
                "message": "Agent training updated successfully",
                "data": {**TRAINING, "node_id": "node-1"},
            },
        ),
        (200, {"success": True, "message": "Agent training deleted successfully"}),
    )
    async with client_for(rec) as client:
        trainings = await client.agents.trainings.list(AGENT)
        empty = await client.agents.trainings.list(AGENT)
        created = await client.agents.trainings.create(
            AGENT,
            subject="Refund policy",
            instructions="Refunds are accepted within 30 days.",
            node_id="node-1",
            current_status=TrainingStatus.ACTIVE,
        )
        deleted = await client.agents.trainings.delete(AGENT, "t-1")
    assert [t.current_status for t in trainings] == [TrainingStatus.ACTIVE, TrainingStatus.INACTIVE]
    assert isinstance(trainings[0], Training) and empty == []
    assert rec.body(2) == {
        "node_id": "node-1",
        "subject": "Refund policy",
        "instructions": "Refunds are accepted within 30 days.",
        "current_status": "active",
    }
    # Create answers "updated successfully" even when creating: the data is what matters.
    assert created.node_id == "node-1" and created.id == "t-1"
    assert isinstance(deleted, Ack) and deleted.message == "Agent training deleted successfully"
    assert [(r.method, rec.path(i)) for i, r in enumerate(rec.requests)] == [
        ("GET", f"/api/v1/agents/{AGENT}/trainings"),
        ("GET", f"/api/v1/agents/{AGENT}/trainings"),
        ("POST", f"/api/v1/agents/{AGENT}/trainings"),
        ("DELETE", f"/api/v1/agents/{AGENT}/trainings/t-1"),
    ]
    assert [r.safe for r in rec.requests] == [True, True, False, True]


async def test_training_node_id_is_optional() -> None:
    rec = Recorder(
        (200, {"success": True, "message": "Agent training updated successfully", "data": TRAINING})
    )
    async with client_for(rec) as client:
        await client.agents.trainings.create(AGENT, subject="s", instructions="i")
    assert rec.body() == {"subject": "s", "instructions": "i"}


async def test_delete_training_errors() -> None:
    rec = Recorder(
        (404, {"success": False, "message": "Training not found"}),
        (
            403,
            {
                "success": False,
                "message": "You are not authorized to delete training for this agent.",
            },
        ),
    )
    async with client_for(rec) as client:
        with pytest.raises(NotFoundError, match="Training not found"):
            await client.agents.trainings.delete(AGENT, "t-x")
        with pytest.raises(PermissionDeniedError):
            await client.agents.trainings.delete(AGENT, "t-x")


async def test_actions_list_create_delete_inputs_become_input_schema() -> None:
    rec = Recorder(
        (200, {"success": True, "data": [WEBHOOK_ACTION, HOLD_ACTION]}),
        (
            200,
            {
                "success": True,
                "message": "Agent action updated successfully",
                "data": WEBHOOK_ACTION,
            },
        ),
        (200, {"success": True, "message": "Agent action deleted successfully"}),
    )
    async with client_for(rec) as client:
        actions = await client.agents.actions.list(AGENT)
        created = await client.agents.actions.create(
            AGENT,
            node_id="node-1",
            name="lookup_order",
            description="Look up an order",
            type=ActionType.WEBHOOK,
            inputs=[
                ActionInput(name="order_id", type="string", required=True, description="The order"),
                {"name": "email", "type": "string", "required": False},
            ],
            integration={"id": "int-1"},
            url="https://api.example.com/orders",
            authorization_url="https://auth.example.com/token",
            current_status="active",
            extra_body={"action_trigger": "during_call"},
        )
        deleted = await client.agents.actions.delete(AGENT, "act-1")
    assert [a.type for a in actions] == [ActionType.WEBHOOK, ActionType.HOLD]
    assert rec.body(1) == {
        "node_id": "node-1",
        "name": "lookup_order",
        "description": "Look up an order",
        "type": "webhook",
        "inputs": [
            {"name": "order_id", "type": "string", "required": True, "description": "The order"},
            {"name": "email", "type": "string", "required": False},
        ],
        "integration": {"id": "int-1"},
        "url": "https://api.example.com/orders",
        "authorization_url": "https://auth.example.com/token",
        "current_status": "active",
        "action_trigger": "during_call",
    }
    # Trap: sent as `inputs`, returned as `input_schema`.
    assert isinstance(created, Action) and created.input_schema[0].name == "order_id"
    assert created.inputs == [] and created.all_inputs == created.input_schema
    assert deleted.message == "Agent action deleted successfully"
    assert rec.requests[1].safe is False and rec.path(1) == f"/api/v1/agents/{AGENT}/actions"
    assert (
        rec.requests[2].method == "DELETE"
        and rec.path(2) == f"/api/v1/agents/{AGENT}/actions/act-1"
    )


def test_action_response_carrying_inputs_decodes_strictly() -> None:
    """Either name for the inputs decodes (a server echoing the request name is tolerated)."""
    body = {k: v for k, v in WEBHOOK_ACTION.items() if k != "input_schema"}
    body["inputs"] = [{"name": "order_id", "type": "string", "required": True}]
    action = structure(body, Action, strict=True)
    assert action.input_schema == [] and action.all_inputs[0].name == "order_id"
    transfer = structure(
        {
            **WEBHOOK_ACTION,
            "type": "transfer",
            "input_schema": [
                {
                    "name": "phone",
                    "type": "string",
                    "required": True,
                    "description": "target",
                    "value": "+1234567890",
                }
            ],
        },
        Action,
        strict=True,
    )
    assert transfer.input_schema[0].value == "+1234567890"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"subject": "x" * 256}, "subject"),
        ({"subject": ""}, "subject"),
        ({"instructions": ""}, "instructions"),
        ({"instructions": 5}, "instructions"),
        ({"current_status": "archived"}, "current_status"),
        ({"node_id": ""}, "node_id"),
    ],
)
async def test_training_rules_reject_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder((200, {"success": True, "data": TRAINING}))
    args: dict[str, Any] = {"subject": "s", "instructions": "i", **kwargs}
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.agents.trainings.create(AGENT, **args)
    assert info.value.field == field and rec.requests == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"node_id": None}, "node_id"),  # required for actions (optional for trainings)
        ({"node_id": ""}, "node_id"),
        ({"name": "x" * 256}, "name"),
        ({"description": ""}, "description"),
        ({"type": "sms"}, "type"),
        ({"url": "not a url"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"authorization_url": "ftp://x.com"}, "authorization_url"),
        ({"inputs": [{"type": "string"}]}, "inputs[0].name"),
        ({"inputs": [{"name": "a", "required": "yes"}]}, "inputs[0].required"),
        ({"inputs": ["order_id"]}, "inputs[0]"),
        ({"inputs": {"name": "a"}}, "inputs"),
        ({"integration": ["int-1"]}, "integration"),
        ({"current_status": "on"}, "current_status"),
    ],
)
async def test_action_rules_reject_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder((200, {"success": True, "data": WEBHOOK_ACTION}))
    args: dict[str, Any] = {
        "node_id": "n",
        "name": "a",
        "description": "d",
        "type": "webhook",
        **kwargs,
    }
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.agents.actions.create(AGENT, **args)
    assert info.value.field == field and rec.requests == []


async def test_path_ids_are_checked_and_encoded() -> None:
    rec = Recorder((200, {"success": True, "message": "Agent action deleted successfully"}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError):
            await client.agents.actions.delete(AGENT, "")
        assert rec.requests == []
        await client.agents.actions.delete(AGENT, "../x")
    assert rec.path() == f"/api/v1/agents/{AGENT}/actions/..%2Fx"


def test_registry_and_decode() -> None:
    assert OPERATIONS["agents.trainings.create"].safe is False
    assert OPERATIONS["agents.actions.create"].safe is False
    assert (
        OPERATIONS["agents.trainings.delete"].path == "/agents/{agent_id}/trainings/{training_id}"
    )
    listed = decode(
        "agents.trainings.list", 200, json.dumps({"success": True, "data": [TRAINING]}), strict=True
    )
    assert listed[0].subject == "Refund policy"
    action = decode(
        "agents.actions.create",
        200,
        json.dumps(
            {"success": True, "message": "Agent action updated successfully", "data": HOLD_ACTION}
        ),
        strict=True,
    )
    assert action.type is ActionType.HOLD
