"""`client.voice_templates`: list and demo (agents.md §7)."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..models.voice_templates import VoiceDemo, VoiceTemplateGroup
from ..operations import Operation
from ..options import RequestOptions
from .base import Resource

__all__ = ["VoiceTemplatesResource"]


class VoiceTemplatesResource(Resource):
    """Voice templates usable as `voice_id` in `agents.update_voice`: `client.voice_templates`."""

    __slots__ = ()

    _LIST = Operation(
        "voice_templates.list",
        "GET",
        "/voice-templates",
        builtins.list[VoiceTemplateGroup],
        side_effect=False,
        summary="List voice templates, grouped by display name.",
    )

    async def list(self, **options: Unpack[RequestOptions]) -> list[VoiceTemplateGroup]:
        """`GET /voice-templates`: templates *grouped* by `display_name`, each group holding
        `voices` (`cost` is a string such as `"0.10"`). The page's query parameters are not
        readable in the docs: pass any in `extra_query`."""
        result: list[VoiceTemplateGroup] = await self._client._execute(self._LIST, options=options)
        return result

    _DEMO = Operation(
        "voice_templates.demo",
        "GET",
        "/voice-templates/{voice_template_id}/demo",
        VoiceDemo,
        side_effect=False,
        summary="Generate sample audio for a voice template (bare `{mp3_url}` body).",
    )

    async def demo(self, voice_template_id: str, **options: Unpack[RequestOptions]) -> VoiceDemo:
        """`GET /voice-templates/{voice_template_id}/demo`: generate sample audio.

        The 200 body is a bare `{mp3_url}` (no `success`/`data` envelope); the URL is signed
        and temporary. Audio is generated on every call. A generation failure is a 500 with
        the body `{"error": "..."}`, raised as `InternalServerError` carrying that text.
        """
        result: VoiceDemo = await self._client._execute(
            self._DEMO, {"voice_template_id": voice_template_id}, options=options
        )
        return result
