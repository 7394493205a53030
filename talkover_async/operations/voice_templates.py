"""Operations of the voice templates area (agents.md §7)."""

from __future__ import annotations

from ..models.voice_templates import VoiceDemo, VoiceTemplateGroup
from . import Operation, register

__all__: list[str] = []

VOICE_TEMPLATES_LIST = register(
    Operation(
        "voice_templates.list",
        "GET",
        "/voice-templates",
        True,
        list[VoiceTemplateGroup],
        summary="List voice templates, grouped by display name.",
    )
)
VOICE_TEMPLATES_DEMO = register(
    Operation(
        "voice_templates.demo",
        "GET",
        "/voice-templates/{voice_template_id}/demo",
        True,
        VoiceDemo,
        summary="Generate sample audio for a voice template (bare `{mp3_url}` body).",
    )
)
