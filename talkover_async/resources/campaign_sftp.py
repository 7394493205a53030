"""`client.campaigns.sftp`: SFTP contact import (calls-campaigns.md §2.19-2.23)."""

from __future__ import annotations

from .base import Resource

__all__ = ["CampaignSftpResource"]


class CampaignSftpResource(Resource):
    """client.campaigns.sftp."""

    __slots__ = ()
