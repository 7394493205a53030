"""Operations of the custom SIP trunk area (platform.md §2). There is no list-trunks
endpoint."""

from __future__ import annotations

from ..models.results import Ack
from ..models.sip_trunks import SipTrunk, SipTrunkDid, SipTrunkHealth, SipTrunkVerification
from . import Operation, register

__all__: list[str] = []

SIP_TRUNKS_CREATE = register(
    Operation(
        "sip_trunks.create",
        "POST",
        "/sip-trunks",
        False,
        SipTrunk,
        summary="Register a trunk (inactive, unverified; partial trunk back)",
    )
)
SIP_TRUNKS_GET = register(
    Operation(
        "sip_trunks.get",
        "GET",
        "/sip-trunks/{trunk_id}",
        True,
        SipTrunk,
        summary="One trunk's configuration and status (no password)",
    )
)
SIP_TRUNKS_UPDATE = register(
    Operation(
        "sip_trunks.update",
        "PUT",
        "/sip-trunks/{trunk_id}",
        True,
        SipTrunk,
        summary="Change sent fields only (PATCH semantics; partial trunk back)",
    )
)
SIP_TRUNKS_DELETE = register(
    Operation(
        "sip_trunks.delete",
        "DELETE",
        "/sip-trunks/{trunk_id}",
        True,
        Ack,
        summary="Delete a trunk (409 `TRUNK_HAS_DIDS`)",
    )
)
SIP_TRUNKS_VERIFY = register(
    Operation(
        "sip_trunks.verify",
        "POST",
        "/sip-trunks/{trunk_id}/verify",
        True,
        SipTrunkVerification,
        allow_failure=True,
        summary="Connectivity test; a failure (`success: false`) is a result",
    )
)
SIP_TRUNKS_HEALTH = register(
    Operation(
        "sip_trunks.health",
        "GET",
        "/sip-trunks/{trunk_id}/health",
        True,
        SipTrunkHealth,
        summary="Live health probe (`is_healthy`, `response_time_ms`)",
    )
)
SIP_TRUNK_DIDS_LIST = register(
    Operation(
        "sip_trunks.dids.list",
        "GET",
        "/sip-trunks/{trunk_id}/dids",
        True,
        list[SipTrunkDid],
        summary="Numbers routed through a trunk (not paginated)",
    )
)
SIP_TRUNK_DIDS_CREATE = register(
    Operation(
        "sip_trunks.dids.create",
        "POST",
        "/sip-trunks/{trunk_id}/dids",
        False,
        SipTrunkDid,
        summary="Add a DID to a trunk (409 `DID_ALREADY_EXISTS`)",
    )
)
SIP_TRUNK_DIDS_DELETE = register(
    Operation(
        "sip_trunks.dids.delete",
        "DELETE",
        "/sip-trunks/{trunk_id}/dids/{phone_number_id}",
        True,
        Ack,
        summary="Remove a DID (409 `DID_IN_USE`)",
    )
)
