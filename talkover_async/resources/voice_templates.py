"""`client.voice_templates`: list and demo (agents.md §7)."""

from __future__ import annotations

from .base import Resource

__all__ = ["VoiceTemplatesResource"]


class VoiceTemplatesResource(Resource):
    """client.voice_templates."""

    __slots__ = ()
