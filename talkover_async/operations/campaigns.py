"""Operations of the campaigns area (calls-campaigns.md §2.5-2.11)."""

from __future__ import annotations

from ..models.campaigns import Campaign, CampaignCallResult
from ..models.results import Ack
from . import Operation, register

__all__: list[str] = []

CAMPAIGNS_LIST = register(
    Operation(
        "campaigns.list",
        "GET",
        "/campaigns",
        True,
        Campaign,
        paginated=True,
        summary="List campaigns with stats (paged, full `pagination`)",
    )
)
CAMPAIGNS_GET = register(
    Operation(
        "campaigns.get",
        "GET",
        "/campaigns/{campaign_id}",
        True,
        Campaign,
        summary="Get one campaign with cooldowns, DNC settings, calls, files, stats",
    )
)
CAMPAIGNS_CREATE = register(
    Operation(
        "campaigns.create",
        "POST",
        "/campaigns",
        False,
        Campaign,
        summary="Create a campaign (always `draft`)",
    )
)
CAMPAIGNS_UPDATE = register(
    Operation(
        "campaigns.update",
        "PUT",
        "/campaigns/{campaign_id}",
        True,
        Campaign,
        summary="Update a campaign (partial; 409 with active calls)",
    )
)
CAMPAIGNS_DELETE = register(
    Operation(
        "campaigns.delete",
        "DELETE",
        "/campaigns/{campaign_id}",
        True,
        Ack,
        summary="Delete a campaign (403 while active, 409 with calls in progress)",
    )
)
CAMPAIGNS_UPDATE_STATUS = register(
    Operation(
        "campaigns.update_status",
        "PATCH",
        "/campaigns/{campaign_id}/status",
        True,
        Campaign,
        summary="Start, pause, resume, complete or cancel (400 `INVALID_TRANSITION`)",
    )
)
CAMPAIGNS_CALL = register(
    Operation(
        "campaigns.call",
        "POST",
        "/campaigns/{campaign_id}/call",
        False,
        CampaignCallResult,
        summary="Queue a call in a campaign (bare 201 body; 409 duplicate number)",
    )
)
