"""Custom SIP trunks and DIDs (platform.md §2): requests, strict decoding of the documented
bodies (partial trunks, failed verification, health names), 409 codes, argument checks, and
the write-only password."""

from __future__ import annotations

import json
import logging
from typing import Any

import attrs
import pytest

from talkover_async import (
    Ack,
    AsyncTalkover,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    ResponseDecodeError,
    ValidationError,
)
from talkover_async.models.sip_trunks import (
    HealthStatusValue,
    SipTransport,
    SipTrunk,
    SipTrunkDid,
    SipTrunkHealth,
    SipTrunkVerification,
)
from talkover_async.operations import decode
from talkover_async.resources import SipTrunkDidsResource
from talkover_async.transports import MockTransport

from .recorder import Recorder, client_for

TRUNK_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
DID_ID = "a3bb189e-8bf9-3888-9912-ace4e6543002"
BASE = "https://app.talkover.ai/api/v1/sip-trunks"
PASSWORD = "s3cr3t-SIP-pa55word"

FULL_TRUNK: dict[str, Any] = {
    "id": TRUNK_ID,
    "name": "Carrier X",
    "provider_name": "carrier-x",
    "domain": "sip.carrier-x.com",
    "username": "acme",
    "transport": "tls",
    "port": 5061,
    "outbound_proxy": None,
    "auth_realm": None,
    "is_active": True,
    "is_verified": True,
    "health_status": "healthy",
    "last_health_check_at": "2024-03-01T12:00:00Z",
    "created_at": "2024-02-01T10:00:00Z",
    "updated_at": "2024-03-01T12:00:00Z",
}


def test_dids_is_a_nested_resource() -> None:
    client = AsyncTalkover("talq_test", env={})
    assert isinstance(client.sip_trunks.dids, SipTrunkDidsResource)
    assert not hasattr(client.sip_trunks, "__dict__")  # __slots__ = ("dids",)


# --- trunks ---------------------------------------------------------------------------------


async def test_create_sends_body_and_decodes_partial_trunk() -> None:
    """Trap §7.7: the create response omits username, proxy, realm, health, updated_at."""
    created = {
        "id": TRUNK_ID,
        "name": "Carrier X",
        "provider_name": "carrier-x",
        "domain": "sip.carrier-x.com",
        "transport": "tls",
        "port": 5061,
        "is_active": False,
        "is_verified": False,
        "created_at": "2024-02-01T10:00:00Z",
    }
    rec = Recorder((200, {"success": True, "data": created}))
    async with client_for(rec) as client:
        trunk = await client.sip_trunks.create(
            name="Carrier X",
            provider_name="carrier-x",
            domain="sip.carrier-x.com",
            username="acme",
            password=PASSWORD,
            transport=SipTransport.TLS,
            port=5061,
            auth_realm="carrier-x.com",
        )
    assert rec.last.method == "POST" and rec.last.url == BASE
    assert rec.body() == {
        "name": "Carrier X",
        "provider_name": "carrier-x",
        "domain": "sip.carrier-x.com",
        "username": "acme",
        "password": PASSWORD,
        "transport": "tls",
        "port": 5061,
        "auth_realm": "carrier-x.com",
    }
    assert isinstance(trunk, SipTrunk) and trunk.is_verified is False and trunk.username is None
    assert trunk.health_status is None and trunk.updated_at is None


async def test_password_is_redacted_and_never_kept(caplog: pytest.LogCaptureFixture) -> None:
    rec = Recorder((500, {"success": False, "message": f"bad credentials {PASSWORD}"}))
    caplog.set_level(logging.DEBUG, logger="talkover_async")
    async with AsyncTalkover(
        "talq_test", transport=MockTransport(rec), env={}, max_retries=0
    ) as client:
        with pytest.raises(InternalServerError) as info:
            await client.sip_trunks.update(TRUNK_ID, password=PASSWORD)
        assert PASSWORD in client._redactor._secrets
    assert rec.body() == {"password": PASSWORD}
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value)
    assert PASSWORD not in caplog.text
    assert "password" not in [a.name for a in attrs.fields(SipTrunk)]


async def test_get_decodes_full_trunk() -> None:
    rec = Recorder((200, {"success": True, "data": FULL_TRUNK}))
    async with client_for(rec) as client:
        trunk = await client.sip_trunks.get(TRUNK_ID)
    assert rec.last.method == "GET" and rec.last.url == f"{BASE}/{TRUNK_ID}"
    assert trunk.transport is SipTransport.TLS and trunk.health_status is HealthStatusValue.HEALTHY
    assert trunk.last_health_check_at is not None and trunk.outbound_proxy is None


async def test_update_sends_only_given_fields_and_decodes_reduced_object() -> None:
    """Traps §7.7/§7.8: PUT with PATCH semantics; the response has 5 fields only."""
    reduced = {
        "id": TRUNK_ID,
        "name": "Carrier X (main)",
        "is_active": True,
        "is_verified": True,
        "updated_at": "2024-03-02T09:00:00Z",
    }
    rec = Recorder((200, {"success": True, "data": reduced}))
    async with client_for(rec) as client:
        trunk = await client.sip_trunks.update(TRUNK_ID, name="Carrier X (main)", is_active=True)
    assert rec.last.method == "PUT" and rec.last.url == f"{BASE}/{TRUNK_ID}"
    assert rec.body() == {"name": "Carrier X (main)", "is_active": True}
    assert trunk.name == "Carrier X (main)" and trunk.domain is None and trunk.is_verified is True


async def test_delete_ack_and_trunk_has_dids_conflict() -> None:
    rec = Recorder(
        (200, {"success": True, "message": "SIP trunk deleted"}),
        (
            409,
            {
                "success": False,
                "message": "Trunk still has DIDs attached. Delete DIDs before deleting the trunk.",
                "code": "TRUNK_HAS_DIDS",
            },
        ),
    )
    async with client_for(rec) as client:
        ack = await client.sip_trunks.delete(TRUNK_ID)
        with pytest.raises(ConflictError) as info:
            await client.sip_trunks.delete(TRUNK_ID)
    assert rec.last.method == "DELETE" and rec.last.url == f"{BASE}/{TRUNK_ID}"
    assert ack == Ack(success=True, message="SIP trunk deleted")
    assert info.value.code == "TRUNK_HAS_DIDS" and info.value.status_code == 409


async def test_verify_success() -> None:
    data = {
        "is_verified": True,
        "health_status": "healthy",
        "last_health_check_at": "2024-03-01T12:00:00Z",
    }
    rec = Recorder((200, {"success": True, "data": data}))
    async with client_for(rec) as client:
        result = await client.sip_trunks.verify(TRUNK_ID)
    assert rec.last.method == "POST" and rec.last.url == f"{BASE}/{TRUNK_ID}/verify"
    assert rec.last.content is None
    assert result.is_verified is True and result.health_status is HealthStatusValue.HEALTHY


async def test_verify_failure_is_a_result_not_an_exception() -> None:
    """Trap §7.2: `success: false` with data is the failed-verification result."""
    data = {
        "is_verified": False,
        "health_status": "unhealthy",
        "error": "Authentication failed (401)",
    }
    rec = Recorder((200, {"success": False, "data": data}))
    async with client_for(rec) as client:
        result = await client.sip_trunks.verify(TRUNK_ID)
    assert result == SipTrunkVerification(
        is_verified=False,
        health_status=HealthStatusValue.UNHEALTHY,
        error="Authentication failed (401)",
    )


async def test_verify_failure_with_error_status_keeps_the_data_in_details() -> None:
    data = {
        "is_verified": False,
        "health_status": "unhealthy",
        "error": "Authentication failed (401)",
    }
    rec = Recorder((422, {"success": False, "data": data}))
    async with client_for(rec) as client:
        with pytest.raises(ValidationError) as info:
            await client.sip_trunks.verify(TRUNK_ID)
    assert info.value.details == data


async def test_health_uses_its_own_field_names() -> None:
    """Trap §7.6: `/health` says `is_healthy`/`checked_at`, unlike the trunk object; an
    unhealthy trunk still comes with `success: true`."""
    rec = Recorder(
        (
            200,
            {
                "success": True,
                "data": {
                    "is_healthy": True,
                    "response_time_ms": 142,
                    "checked_at": "2024-03-01T12:00:00Z",
                },
            },
        ),
        (
            200,
            {
                "success": True,
                "data": {
                    "is_healthy": False,
                    "response_time_ms": 5000,
                    "checked_at": "2024-03-01T12:05:00Z",
                    "error": "Connection timeout",
                },
            },
        ),
    )
    async with client_for(rec) as client:
        healthy = await client.sip_trunks.health(TRUNK_ID)
        sick = await client.sip_trunks.health(TRUNK_ID)
    assert rec.last.method == "GET" and rec.last.url == f"{BASE}/{TRUNK_ID}/health"
    assert (
        isinstance(healthy, SipTrunkHealth)
        and healthy.is_healthy is True
        and healthy.response_time_ms == 142
    )
    assert healthy.error is None
    assert (
        sick.is_healthy is False
        and sick.error == "Connection timeout"
        and sick.response_time_ms == 5000
    )


def test_decode_trunk_health_with_trunk_names_fails_strictly() -> None:
    """The two health vocabularies are not interchangeable in strict mode (drift is caught)."""
    data = {"health_status": "healthy", "last_health_check_at": "2024-03-01T12:00:00Z"}
    body = json.dumps({"success": True, "data": data})
    with pytest.raises(ResponseDecodeError):
        decode("sip_trunks.health", 200, body, strict=True)
    lenient = decode("sip_trunks.health", 200, body)
    assert lenient.is_healthy is None and lenient.extra["health_status"] == "healthy"


def test_decode_failed_verify() -> None:
    data = {"is_verified": False, "health_status": "unhealthy", "error": "x"}
    body = json.dumps({"success": False, "data": data})
    result = decode("sip_trunks.verify", 200, body, strict=True)
    assert isinstance(result, SipTrunkVerification) and result.is_verified is False


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "x" * 256}, "name"),
        ({"name": ""}, "name"),
        ({"provider_name": None}, "provider_name"),
        ({"domain": 5}, "domain"),
        ({"username": ""}, "username"),
        ({"password": ""}, "password"),
        ({"port": 0}, "port"),
        ({"port": 65536}, "port"),
        ({"port": "5060"}, "port"),
        ({"transport": "sctp"}, "transport"),
        ({"is_active": "yes"}, "is_active"),
        ({"outbound_proxy": ""}, "outbound_proxy"),
    ],
)
async def test_create_rejects_bad_arguments_before_io(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "name": "Carrier X",
        "provider_name": "carrier-x",
        "domain": "sip.carrier-x.com",
        "username": "acme",
        "password": PASSWORD,
        **kwargs,
    }
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.sip_trunks.create(**args)
    assert info.value.field == field
    assert rec.requests == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"port": 70000}, "port"),
        ({"transport": "http"}, "transport"),
        ({"name": "x" * 256}, "name"),
    ],
)
async def test_update_rejects_bad_arguments_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.sip_trunks.update(TRUNK_ID, **kwargs)
    assert info.value.field == field
    assert rec.requests == []


# --- DIDs -----------------------------------------------------------------------------------


async def test_dids_list_items_lack_trunk_id() -> None:
    """Trap §7.9: list items have no `trunk_id`; the create response has one."""
    item = {
        "id": DID_ID,
        "number": "+15551234567",
        "country_code": "US",
        "formatted_number": "(555) 123-4567",
    }
    rec = Recorder((200, {"success": True, "data": [item]}))
    async with client_for(rec) as client:
        dids = await client.sip_trunks.dids.list(TRUNK_ID)
    assert rec.last.method == "GET" and rec.last.url == f"{BASE}/{TRUNK_ID}/dids"
    assert dids == [
        SipTrunkDid(
            id=DID_ID, number="+15551234567", country_code="US", formatted_number="(555) 123-4567"
        )
    ]


async def test_dids_create_sends_body_and_decodes_trunk_id() -> None:
    data = {
        "id": DID_ID,
        "number": "+15551234567",
        "country_code": "US",
        "formatted_number": "(555) 123-4567",
        "trunk_id": TRUNK_ID,
    }
    rec = Recorder((200, {"success": True, "data": data}))
    async with client_for(rec) as client:
        did = await client.sip_trunks.dids.create(
            TRUNK_ID, number="+15551234567", country_code="us"
        )
    assert rec.last.method == "POST" and rec.last.url == f"{BASE}/{TRUNK_ID}/dids"
    assert rec.body() == {"country_code": "US", "number": "+15551234567"}
    assert did.trunk_id == TRUNK_ID


async def test_dids_create_does_not_cross_check_country_and_number() -> None:
    """Trap §7.10: the pt-br example pairs +55 with `US`; the server decides."""
    data = {
        "id": DID_ID,
        "number": "+5511987654321",
        "country_code": "US",
        "formatted_number": "(555) 123-4567",
        "trunk_id": TRUNK_ID,
    }
    rec = Recorder((200, {"success": True, "data": data}))
    async with client_for(rec) as client:
        did = await client.sip_trunks.dids.create(
            TRUNK_ID, number="+5511987654321", country_code="US"
        )
    assert did.number == "+5511987654321"


async def test_dids_conflicts() -> None:
    rec = Recorder(
        (
            409,
            {
                "success": False,
                "message": "This number is already registered in your environment",
                "code": "DID_ALREADY_EXISTS",
            },
        ),
        (
            409,
            {
                "success": False,
                "message": "DID is still assigned to active agents",
                "code": "DID_IN_USE",
            },
        ),
    )
    async with client_for(rec) as client:
        with pytest.raises(ConflictError) as created:
            await client.sip_trunks.dids.create(TRUNK_ID, number="+15551234567", country_code="US")
        with pytest.raises(ConflictError) as deleted:
            await client.sip_trunks.dids.delete(TRUNK_ID, DID_ID)
    assert created.value.code == "DID_ALREADY_EXISTS"
    assert deleted.value.code == "DID_IN_USE"
    assert rec.last.method == "DELETE" and rec.last.url == f"{BASE}/{TRUNK_ID}/dids/{DID_ID}"


async def test_dids_delete_ack() -> None:
    rec = Recorder((200, {"success": True, "message": "DID removed"}))
    async with client_for(rec) as client:
        ack = await client.sip_trunks.dids.delete(TRUNK_ID, DID_ID)
    assert ack == Ack(success=True, message="DID removed")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"number": "5551234567", "country_code": "US"}, "number"),
        ({"number": "+1 555 123 4567", "country_code": "US"}, "number"),
        ({"number": "+15551234567", "country_code": "USA"}, "country_code"),
        ({"number": "+15551234567", "country_code": "1"}, "country_code"),
        ({"number": "+15551234567", "country_code": ""}, "country_code"),
    ],
)
async def test_dids_create_rejects_bad_arguments_before_io(
    kwargs: dict[str, Any], field: str
) -> None:
    rec = Recorder((200, {}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.sip_trunks.dids.create(TRUNK_ID, **kwargs)
    assert info.value.field == field
    assert rec.requests == []


async def test_path_params_are_encoded() -> None:
    rec = Recorder((200, {"success": True, "message": "DID removed"}))
    async with client_for(rec) as client:
        await client.sip_trunks.dids.delete("a/b", "../x")
    assert rec.last.url == f"{BASE}/a%2Fb/dids/..%2Fx"
