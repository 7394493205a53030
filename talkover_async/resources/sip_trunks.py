"""`client.sip_trunks`: custom SIP trunks (platform.md §2)."""

from __future__ import annotations

from .base import Resource

__all__ = ["SipTrunksResource"]


class SipTrunksResource(Resource):
    """client.sip_trunks."""

    __slots__ = ()
