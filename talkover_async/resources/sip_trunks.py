"""`client.sip_trunks`: custom SIP trunks (platform.md §2).

Lifecycle: create (inactive, unverified) -> verify -> activate (`update(is_active=True)`) ->
add DIDs (`client.sip_trunks.dids`). There is no list endpoint: keep the ids `create` returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

from ..models.results import Ack
from ..models.sip_trunks import (
    SipTransport,
    SipTrunk,
    SipTrunkHealth,
    SipTrunkVerification,
)
from ..operations import Operation
from ..options import RequestOptions
from ..validation import check_bool, check_choice, check_int, check_str
from .base import Resource, drop_none
from .sip_trunk_dids import SipTrunkDidsResource

if TYPE_CHECKING:
    from ..client import AsyncTalkover

__all__ = ["SipTrunksResource"]

TRANSPORTS = frozenset(x.value for x in SipTransport)


class SipTrunksResource(Resource):
    """Custom SIP trunks of the environment, with nested `dids`.

    The SIP `password` is write-only: it is sent, remembered by the client's redactor so no
    log line or error shows it, and never returned or kept on a model.
    """

    __slots__ = ("dids",)

    def __init__(self, client: AsyncTalkover) -> None:
        super().__init__(client)
        self.dids = SipTrunkDidsResource(client)

    _CREATE = Operation(
        "sip_trunks.create",
        "POST",
        "/sip-trunks",
        SipTrunk,
        side_effect=True,
        summary="Register a trunk (inactive, unverified; partial trunk back)",
    )

    async def create(
        self,
        *,
        name: str,
        provider_name: str,
        domain: str,
        username: str,
        password: str,
        port: int | None = None,
        transport: SipTransport | str | None = None,
        outbound_proxy: str | None = None,
        auth_realm: str | None = None,
        is_active: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> SipTrunk:
        """`POST /sip-trunks`: register a trunk (needs a plan with custom SIP trunks).

        Returns a partial trunk, inactive and unverified; call `verify` next. Defaults on the
        server: `transport` `tls`, `port` 5061 for TLS and 5060 otherwise. Not retried once
        it may have reached the server (a repeat would create a second trunk).
        """
        body = _trunk_body(
            name=name,
            provider_name=provider_name,
            domain=domain,
            username=username,
            port=port,
            transport=transport,
            outbound_proxy=outbound_proxy,
            auth_realm=auth_realm,
            is_active=is_active,
            required=True,
        )
        body["password"] = self._secret(password)
        result: SipTrunk = await self._client._execute(self._CREATE, body=body, options=options)
        return result

    _GET = Operation(
        "sip_trunks.get",
        "GET",
        "/sip-trunks/{trunk_id}",
        SipTrunk,
        side_effect=False,
        summary="One trunk's configuration and status (no password)",
    )

    async def get(self, trunk_id: str, **options: Unpack[RequestOptions]) -> SipTrunk:
        """`GET /sip-trunks/{trunk_id}`: the full trunk (`health_status`,
        `last_health_check_at`; no password)."""
        result: SipTrunk = await self._client._execute(
            self._GET, {"trunk_id": trunk_id}, options=options
        )
        return result

    _UPDATE = Operation(
        "sip_trunks.update",
        "PUT",
        "/sip-trunks/{trunk_id}",
        SipTrunk,
        side_effect=False,
        summary="Change sent fields only (PATCH semantics; partial trunk back)",
    )

    async def update(
        self,
        trunk_id: str,
        *,
        name: str | None = None,
        provider_name: str | None = None,
        domain: str | None = None,
        username: str | None = None,
        password: str | None = None,
        port: int | None = None,
        transport: SipTransport | str | None = None,
        outbound_proxy: str | None = None,
        auth_realm: str | None = None,
        is_active: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> SipTrunk:
        """`PUT /sip-trunks/{trunk_id}` with PATCH semantics: only the arguments given are
        sent and changed (to clear a field, send `extra_body={"outbound_proxy": None}`).

        Returns a partial trunk (`id, name, is_active, is_verified, updated_at`). Changing
        domain, transport or credentials resets `is_verified` to false: verify again.
        """
        body = _trunk_body(
            name=name,
            provider_name=provider_name,
            domain=domain,
            username=username,
            port=port,
            transport=transport,
            outbound_proxy=outbound_proxy,
            auth_realm=auth_realm,
            is_active=is_active,
            required=False,
        )
        if password is not None:
            body["password"] = self._secret(password)
        result: SipTrunk = await self._client._execute(
            self._UPDATE, {"trunk_id": trunk_id}, body=body, options=options
        )
        return result

    _DELETE = Operation(
        "sip_trunks.delete",
        "DELETE",
        "/sip-trunks/{trunk_id}",
        Ack,
        side_effect=False,
        summary="Delete a trunk (409 `TRUNK_HAS_DIDS`)",
    )

    async def delete(self, trunk_id: str, **options: Unpack[RequestOptions]) -> Ack:
        """`DELETE /sip-trunks/{trunk_id}`: permanent. `ConflictError` (409,
        `TRUNK_HAS_DIDS`) while DIDs are attached: delete them first."""
        result: Ack = await self._client._execute(
            self._DELETE, {"trunk_id": trunk_id}, options=options
        )
        return result

    _VERIFY = Operation(
        "sip_trunks.verify",
        "POST",
        "/sip-trunks/{trunk_id}/verify",
        SipTrunkVerification,
        side_effect=False,
        allow_failure=True,
        summary="Connectivity test; a failure (`success: false`) is a result",
    )

    async def verify(
        self, trunk_id: str, **options: Unpack[RequestOptions]
    ) -> SipTrunkVerification:
        """`POST /sip-trunks/{trunk_id}/verify`: connectivity test that sets `is_verified`.

        A failed verification (`success: false` with data, 2xx) is returned, not raised:
        check `result.is_verified` and `result.error`. Should the server answer it with an
        error status instead, the raised `APIStatusError.details` holds the same data.
        """
        result: SipTrunkVerification = await self._client._execute(
            self._VERIFY, {"trunk_id": trunk_id}, options=options
        )
        return result

    _HEALTH = Operation(
        "sip_trunks.health",
        "GET",
        "/sip-trunks/{trunk_id}/health",
        SipTrunkHealth,
        side_effect=False,
        summary="Live health probe (`is_healthy`, `response_time_ms`)",
    )

    async def health(self, trunk_id: str, **options: Unpack[RequestOptions]) -> SipTrunkHealth:
        """`GET /sip-trunks/{trunk_id}/health`: live probe, cheap to poll, never changes
        `is_verified`. Note the names: `is_healthy`/`checked_at` here, versus the trunk's
        `health_status`/`last_health_check_at`."""
        result: SipTrunkHealth = await self._client._execute(
            self._HEALTH, {"trunk_id": trunk_id}, options=options
        )
        return result

    def _secret(self, password: str) -> str:
        value = check_str("password", password, min_len=1)
        self._client._redactor.add(value)
        return value


def _trunk_body(
    *,
    name: str | None,
    provider_name: str | None,
    domain: str | None,
    username: str | None,
    port: int | None,
    transport: SipTransport | str | None,
    outbound_proxy: str | None,
    auth_realm: str | None,
    is_active: bool | None,
    required: bool,
) -> dict[str, Any]:
    """The trunk fields given, checked (`required`: name/provider/domain/username must be)."""

    def text(field: str, value: str | None, max_len: int | None = None) -> str | None:
        if value is None and not required:
            return None
        return check_str(field, value, min_len=1, max_len=max_len)

    return drop_none(
        {
            "name": text("name", name, 255),
            "provider_name": text("provider_name", provider_name),
            "domain": text("domain", domain),
            "username": text("username", username),
            "port": None if port is None else check_int("port", port, 1, 65535),
            "transport": None
            if transport is None
            else check_choice("transport", transport, TRANSPORTS),
            "outbound_proxy": None
            if outbound_proxy is None
            else check_str("outbound_proxy", outbound_proxy, min_len=1),
            "auth_realm": None
            if auth_realm is None
            else check_str("auth_realm", auth_realm, min_len=1),
            "is_active": None if is_active is None else check_bool("is_active", is_active),
        }
    )
