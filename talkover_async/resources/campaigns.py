"""`client.campaigns`: campaigns, status, campaign calls (calls-campaigns.md §2.5-2.11)."""

from __future__ import annotations

from .base import Resource

__all__ = ["CampaignsResource"]


class CampaignsResource(Resource):
    """client.campaigns."""

    __slots__ = ()
