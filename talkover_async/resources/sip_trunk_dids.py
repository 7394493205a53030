"""`client.sip_trunks.dids`: DIDs of a trunk (platform.md §2)."""

from __future__ import annotations

from .base import Resource

__all__ = ["SipTrunkDidsResource"]


class SipTrunkDidsResource(Resource):
    """client.sip_trunks.dids."""

    __slots__ = ()
