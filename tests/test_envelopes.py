"""Every documented success envelope and error shape, over loopback, mapped to the right type."""

from __future__ import annotations

from typing import Any

import pytest

from talkover_async import (
    Ack,
    Agent,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    Call,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    ValidationError,
)
from talkover_async.envelope import parse, parse_retry_after
from talkover_async.http import Response
from talkover_async.operations import decode

from .conftest import reply

AGENT = {
    "id": "550e8400-e29b-41d4-a716-446655440000",
    "name": "Sales",
    "label": "Sales agent",
    "current_status": "draft",
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2025-09-03T23:19:51.000000Z",
}

SUCCESS_SHAPES: list[tuple[str, dict[str, Any]]] = [
    ("success+data", {"success": True, "data": AGENT}),
    ("success+message+data", {"success": True, "message": "Agent created", "data": AGENT}),
    ("data only", {"data": AGENT}),
    ("bare object", AGENT),
]


@pytest.mark.parametrize(("name", "body"), SUCCESS_SHAPES, ids=[s[0] for s in SUCCESS_SHAPES])
async def test_success_envelopes_unwrap_to_model(server, make_client, name, body) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(200, body))
    async with make_client(strict=True) as client:
        agent = await client.agents.get("a1")
    assert isinstance(agent, Agent)
    assert agent.id == AGENT["id"]
    assert agent.updated_at is not None and agent.updated_at.tzinfo is not None


@pytest.mark.parametrize(
    "body",
    [{"success": True, "message": "Agent deleted successfully"}, {"message": "Token revoked"}],
)
async def test_message_only_envelopes_give_ack(server, make_client, body) -> None:
    server.on("DELETE", "/api/v1/agents/a1", reply(200, body))
    async with make_client() as client:
        ack = await client.agents.delete("a1")
    assert isinstance(ack, Ack)
    assert ack.message == body["message"]


async def test_201_bare_body_and_empty_204(server, make_client) -> None:
    call = {"id": "c1", "agent_id": "a1", "to": "+14155550100", "status": "initiated"}
    server.on("POST", "/api/v1/agents/a1/call", reply(201, call))
    server.on("DELETE", "/api/v1/agents/a2", reply(204))
    async with make_client() as client:
        assert (await client.agents.call("a1", to="+14155550100")).id == "c1"
        assert (await client.agents.delete("a2")).message is None


ERROR_SHAPES: list[tuple[str, int, dict[str, Any], type[APIStatusError], str | None, str]] = [
    (
        "E1 nested error",
        401,
        {
            "success": False,
            "error": {"code": "INVALID_API_KEY", "message": "The provided API key is invalid", "details": {"hint": "x"}},
        },
        AuthenticationError,
        "INVALID_API_KEY",
        "The provided API key is invalid",
    ),
    ("E2 flat message", 404, {"success": False, "message": "Agent not found"}, NotFoundError, None, "Agent not found"),
    (
        "E3 message+code",
        409,
        {"success": False, "message": "Call is not active", "code": "CALL_NOT_ACTIVE"},
        ConflictError,
        "CALL_NOT_ACTIVE",
        "Call is not active",
    ),
    (
        "E3 with details",
        402,
        {"success": False, "message": "Payment failed", "code": "PAYMENT_FAILED", "details": {"decline_reason": "insufficient_funds"}},
        PaymentRequiredError,
        "PAYMENT_FAILED",
        "Payment failed",
    ),
    (
        "E4 laravel",
        422,
        {"message": "The given data was invalid.", "errors": {"webhook_url": ["The webhook url field is required."]}},
        ValidationError,
        None,
        "The given data was invalid.",
    ),
    ("E5 bare message", 401, {"message": "Missing Bearer Token"}, AuthenticationError, None, "Missing Bearer Token"),
    (
        "E6 errors array",
        422,
        {"success": False, "errors": ["Duplicate node id: 'node-greet'"]},
        ValidationError,
        None,
        "Duplicate node id: 'node-greet'",
    ),
    ("error string", 500, {"error": "Failed to generate demo audio"}, InternalServerError, None, "Failed to generate demo audio"),
    ("403 unauthorized", 403, {"success": False, "message": "You are not authorized"}, PermissionDeniedError, None, "You are not authorized"),
    (
        "400 transition",
        400,
        {"success": False, "message": "Invalid transition", "code": "INVALID_TRANSITION"},
        BadRequestError,
        "INVALID_TRANSITION",
        "Invalid transition",
    ),
]


@pytest.mark.parametrize(
    ("name", "status", "body", "cls", "code", "message"), ERROR_SHAPES, ids=[s[0] for s in ERROR_SHAPES]
)
async def test_error_shapes_map_to_typed_errors(server, make_client, name, status, body, cls, code, message) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(status, body))
    async with make_client(max_retries=0) as client:
        with pytest.raises(cls) as info:
            await client.agents.get("a1")
    err = info.value
    assert err.status_code == status
    assert err.code == code
    assert err.message == message
    assert err.attempts and err.attempts[-1].status_code == status
    if "errors" in body and isinstance(body["errors"], dict):
        assert err.field_errors == {"webhook_url": ("The webhook url field is required.",)}
    if "errors" in body and isinstance(body["errors"], list):
        assert err.errors == tuple(body["errors"])
    if name == "E3 with details":
        assert err.details == {"decline_reason": "insufficient_funds"}
    if name == "E1 nested error":
        assert err.details == {"hint": "x"}


async def test_success_false_on_2xx_raises(server, make_client) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(200, {"success": False, "message": "nope", "code": "X"}))
    async with make_client() as client:
        with pytest.raises(APIStatusError) as info:
            await client.agents.get("a1")
    assert info.value.code == "X"


MALFORMED = [
    ("html 502", 502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "HTML"),
    ("truncated json", 200, b'{"success": true, "data": {"id": "a', "truncated"),
    ("array where object due", 200, b'[{"id": "a1"}]', "list"),
    ("wrong field types", 200, b'{"success": true, "data": {"id": "a1", "trainings": "nope"}}', "trainings"),
    ("data not object", 200, b'{"success": true, "data": 42}', "int"),
]


@pytest.mark.parametrize(("name", "status", "raw", "hint"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_bodies_raise_response_decode_error(server, make_client, name, status, raw, hint) -> None:
    server.on("GET", "/api/v1/agents/a1", reply(status, raw=raw, headers={"Content-Type": "text/html" if b"<html" in raw else "application/json"}))
    async with make_client(max_retries=0) as client:
        with pytest.raises(ResponseDecodeError) as info:
            await client.agents.get("a1")
    err = info.value
    assert err.status_code == status
    assert len(err.excerpt) <= 200
    assert hint.lower() in str(err).lower()
    assert err.__cause__ is None and "Traceback" not in str(err)


def test_429_with_any_body_is_rate_limit() -> None:
    resp = Response(429, {"Retry-After": "7"}, b"slow down")
    with pytest.raises(RateLimitError) as info:
        parse(resp)
    assert info.value.retry_after == 7.0


def test_retry_after_forms() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-4") is None  # unusable: the client's own backoff applies
    assert parse_retry_after("garbage") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0


def test_decode_entry_point_matches_client_path() -> None:
    call = decode(
        "agents.call",
        200,
        b'{"success": true, "data": {"id": "call_789012", "agent_id": "agent_123456", '
        b'"to": "+1234567890", "status": "initiated", "created_at": "2024-01-15T10:30:00Z"}}',
        strict=True,
    )
    assert isinstance(call, Call) and call.status == "initiated"
    page = decode(
        "calls.list",
        200,
        b'{"success": true, "data": [{"id": "call-uuid-1", "to": "+1", "from": "+2", "agent": {"id": "a", "name": "n", "label": "l"}}],'
        b' "pagination": {"current_page": 1, "last_page": 5, "per_page": 20, "total": 100, "from": 1, "to": 20}}',
        strict=True,
    )
    assert page.items[0].from_ == "+2" and page.items[0].agent.id == "a"
    assert page.has_next and page.last_page == 5
    with pytest.raises(NotFoundError):
        decode("agents.get", 404, b'{"success": false, "message": "Agent not found"}')
