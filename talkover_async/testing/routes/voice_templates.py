"""Voice templates and their demos (agents.md §7)."""

from __future__ import annotations

from typing import Any

from ..catalog import VOICE_TEMPLATES, voice_template
from ..replies import ApiError, Reply, ok
from ..routing import Ctx, RouteTable

__all__ = ["routes"]

routes = RouteTable()


@routes.get("/voice-templates")
def list_voice_templates(ctx: Ctx) -> Reply:
    """Templates grouped by `display_name`, optionally filtered by `language`/`gender`."""
    groups: list[dict[str, Any]] = []
    for group in VOICE_TEMPLATES:
        voices = [
            dict(v)
            for v in group["voices"]
            if all(ctx.query.get(k) in (None, v[k]) for k in ("language", "gender"))
        ]
        if voices:
            groups.append({"display_name": group["display_name"], "voices": voices})
    return ok(groups)


@routes.get("/voice-templates/{voice_template_id}/demo", unauthorized="Unauthorized")
def voice_demo(ctx: Ctx) -> Reply:
    """A bare `{mp3_url}` (a signed-looking URL on a reserved domain)."""
    template = voice_template(ctx.params["voice_template_id"])
    if template is None:
        raise ApiError(404, "Voice template not found", table_code="VOICE_TEMPLATE_NOT_FOUND")
    url = f"https://demo.talkover.invalid/voices/{template['id']}.mp3?signature={ctx.new_id()}"
    return Reply({"mp3_url": url})
