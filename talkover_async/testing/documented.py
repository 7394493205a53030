"""Error bodies the documentation shows, per route: the fake sends these exactly, in every
`unknowns` mode. Anything not listed here is a choice recorded in `unknowns.py`.

Keys are `"METHOD /template"` (templates relative to `/api/v1`, as `routes/` declares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "DOCUMENTED_CODES",
    "DOCUMENTED_ERRORS",
    "FORBIDDEN_MESSAGES",
    "GENERIC_FORBIDDEN",
    "INTERNAL_ERROR",
    "SERVER_ERROR_BODIES",
    "allows",
    "is_documented",
]

DELETE_AGENT = "DELETE /agents/{agent_id}"
DELETE_TRAINING = "DELETE /agents/{agent_id}/trainings/{training_id}"
DELETE_ACTION = "DELETE /agents/{agent_id}/actions/{action_id}"
DELETE_CAMPAIGN = "DELETE /campaigns/{campaign_id}"
VOICE_DEMO = "GET /voice-templates/{voice_template_id}/demo"

INTERNAL_ERROR: dict[str, Any] = {"success": False, "message": "Internal server error."}
GENERIC_FORBIDDEN = "You are not authorized to perform this action."

#: Every error code the docs mention (overview.md §3.3, calls-campaigns.md §1.2). An E3/E1
#: body drawn in `vary` mode carries one of these, never one of the fake's own.
DOCUMENTED_CODES: frozenset[str] = frozenset(
    {
        "INVALID_API_KEY", "INVALID_TOKEN", "UNAUTHORIZED", "FORBIDDEN", "VALIDATION_ERROR",
        "SERVER_ERROR", "AGENT_NOT_FOUND", "TRAINING_NOT_FOUND", "ACTION_NOT_FOUND",
        "CAMPAIGN_NOT_FOUND", "VOICE_NOT_FOUND", "VOICE_TEMPLATE_NOT_FOUND",
        "DEMO_GENERATION_FAILED", "AGENT_HAS_ACTIVE_CALLS", "AGENT_IS_PUBLISHED",
        "INVALID_TRANSITION", "INVALID_AGENT_DIRECTION", "PAYMENT_FAILED",
        "AUTO_TOPUP_NOT_CONFIGURED", "DID_ALREADY_EXISTS", "DID_IN_USE", "TRUNK_HAS_DIDS",
        "CONFLICT", "CALL_NOT_ACTIVE", "SFTP_TEST_REQUIRED", "SFTP_IMPORT_IN_PROGRESS",
        "LOG_NOT_RETRIABLE",
    }
)  # fmt: skip

#: (route, status) pairs whose example body the pages show (flat `code` bodies are recognised
#: by their documented code; the webhook pages' 401/404/422 and the flow pages' 422 by family).
DOCUMENTED_ERRORS: frozenset[tuple[str, int]] = frozenset(
    {
        (DELETE_AGENT, 404),
        (DELETE_AGENT, 401),
        (DELETE_AGENT, 403),
        (DELETE_AGENT, 409),
        (DELETE_TRAINING, 404),
        (DELETE_TRAINING, 401),
        (DELETE_TRAINING, 403),
        (DELETE_TRAINING, 500),
        (DELETE_ACTION, 404),
        (DELETE_ACTION, 401),
        (DELETE_ACTION, 403),
        (DELETE_ACTION, 500),
        (DELETE_CAMPAIGN, 404),
        (DELETE_CAMPAIGN, 401),
        (DELETE_CAMPAIGN, 403),
        (DELETE_CAMPAIGN, 409),
        (DELETE_CAMPAIGN, 500),
        (VOICE_DEMO, 404),
        (VOICE_DEMO, 401),
        (VOICE_DEMO, 500),
        ("GET /callback-agents/{agent_id}", 404),
        ("POST /agents/{agent_id}/end-call", 404),
        # cut off after `{"success": false, ...` with the existing call's details
        ("POST /campaigns/{campaign_id}/call", 409),
        ("PUT /agents/{agent_id}/flow", 422),
        ("POST /agents/{agent_id}/flow/validate", 422),
    }
)

#: The 403 bodies the pages show for a caller without permission.
FORBIDDEN_MESSAGES: dict[str, str] = {
    DELETE_AGENT: GENERIC_FORBIDDEN,
    DELETE_TRAINING: "You are not authorized to delete training for this agent.",
    DELETE_ACTION: "You are not authorized to delete actions for this agent.",
}

#: The 500 bodies the pages show.
SERVER_ERROR_BODIES: dict[str, dict[str, Any]] = {
    DELETE_TRAINING: INTERNAL_ERROR,
    DELETE_ACTION: INTERNAL_ERROR,
    DELETE_CAMPAIGN: INTERNAL_ERROR,
    VOICE_DEMO: {"error": "Failed to generate demo audio"},
}


#: The 404 bodies the agent webhook pages show.
AGENT_WEBHOOK_404S = frozenset({"Agent not found in this environment.", "Webhook not found."})

_FLOW_ROUTES = ("PUT /agents/{agent_id}/flow", "POST /agents/{agent_id}/flow/validate")


def is_documented(
    route_key: str,
    family: str,
    status: int,
    code: str | None,
    shape: str = "flat",
    *,
    permission: bool = False,
    message: str = "",
) -> bool:
    """True when the docs show this error's body (so it is sent exactly, never varied).
    `permission`: a 403 for a token's abilities, documented only where `FORBIDDEN_MESSAGES`
    has the route (delete-campaign's documented 403 is a state refusal, not a permission)."""
    if route_key in _FLOW_ROUTES and shape != "list":
        return False  # only the flow pages' list body is shown, not field validation
    if permission:
        return route_key in FORBIDDEN_MESSAGES
    if code is not None or (route_key, status) in DOCUMENTED_ERRORS:
        return True
    if family != "webhook":
        return False
    # the agent webhook pages show a 401, two 404s and the E4 422 (campaign webhook pages none)
    return route_key.split(" ", 1)[1].startswith("/agents/") and (
        (status == 401 and message == "Missing Bearer Token")
        or (status == 404 and message in AGENT_WEBHOOK_404S)
        or (status == 422 and shape == "laravel")
    )


def allows(abilities: Sequence[str] | None, method: str, route_key: str) -> bool:
    """Whether a token with `abilities` may call `route_key` (see `unknowns.py`,
    `permissions.abilities`): `*` (or no list) everything, `read` GETs, a route key that
    route."""
    if abilities is None or "*" in abilities or route_key in abilities:
        return True
    return method == "GET" and "read" in abilities
