"""`client.sip_trunks.dids`: DIDs of a trunk (platform.md §2.7-2.9)."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..models.results import Ack
from ..models.sip_trunks import SipTrunkDid
from ..operations import Operation
from ..options import RequestOptions
from ..validation import check_country_code, check_e164
from .base import Resource

__all__ = ["SipTrunkDidsResource"]


class SipTrunkDidsResource(Resource):
    """Numbers routed through a custom SIP trunk: `client.sip_trunks.dids`. DIDs also show up
    in `client.phone_numbers.list()` (same ids)."""

    __slots__ = ()

    _LIST = Operation(
        "sip_trunks.dids.list",
        "GET",
        "/sip-trunks/{trunk_id}/dids",
        builtins.list[SipTrunkDid],
        side_effect=False,
        summary="Numbers routed through a trunk (not paginated)",
    )

    async def list(
        self, trunk_id: str, **options: Unpack[RequestOptions]
    ) -> builtins.list[SipTrunkDid]:
        """`GET /sip-trunks/{trunk_id}/dids` (not paginated; items have no `trunk_id`)."""
        result: builtins.list[SipTrunkDid] = await self._client._execute(
            self._LIST, {"trunk_id": trunk_id}, options=options
        )
        return result

    _CREATE = Operation(
        "sip_trunks.dids.create",
        "POST",
        "/sip-trunks/{trunk_id}/dids",
        SipTrunkDid,
        side_effect=True,
        summary="Add a DID to a trunk (409 `DID_ALREADY_EXISTS`)",
    )

    async def create(
        self,
        trunk_id: str,
        *,
        number: str,
        country_code: str,
        **options: Unpack[RequestOptions],
    ) -> SipTrunkDid:
        """`POST /sip-trunks/{trunk_id}/dids`: add a DID (`number` in E.164, `country_code`
        ISO 3166-1 alpha-2, upper-cased). `ConflictError` (409, `DID_ALREADY_EXISTS`) when the
        number is already in the environment. The SDK does not check that the two agree (the
        docs' own pt-br example pairs `+55...` with `US`). Not retried once it may have
        reached the server."""
        body = {
            "country_code": check_country_code("country_code", country_code),
            "number": check_e164("number", number),
        }
        result: SipTrunkDid = await self._client._execute(
            self._CREATE, {"trunk_id": trunk_id}, body=body, options=options
        )
        return result

    _DELETE = Operation(
        "sip_trunks.dids.delete",
        "DELETE",
        "/sip-trunks/{trunk_id}/dids/{phone_number_id}",
        Ack,
        side_effect=False,
        summary="Remove a DID (409 `DID_IN_USE`)",
    )

    async def delete(
        self, trunk_id: str, phone_number_id: str, **options: Unpack[RequestOptions]
    ) -> Ack:
        """`DELETE /sip-trunks/{trunk_id}/dids/{phone_number_id}`: the number also leaves the
        phone-number pool. `ConflictError` (409, `DID_IN_USE`) while agents use it."""
        result: Ack = await self._client._execute(
            self._DELETE,
            {"trunk_id": trunk_id, "phone_number_id": phone_number_id},
            options=options,
        )
        return result
