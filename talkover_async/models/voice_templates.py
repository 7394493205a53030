"""Voice templates (grouped by `display_name`) and voice demos.

A template's `id` is what `agents.update_voice` takes as `voice_id`. `cost` is a *string*
(`"0.10"`), unlike the numeric prices elsewhere: `VoiceTemplate.cost_decimal` parses it.
"""

from __future__ import annotations

import enum
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

__all__ = ["QualityTier", "VoiceDemo", "VoiceTemplate", "VoiceTemplateGroup"]


class QualityTier(enum.StrEnum):
    """Voice quality tiers seen in the list (the pricing page's `high_fidelity` tier and the
    update-voice page's "high-fidelity" wording are not mapped to these by the docs)."""

    BASIC = "basic"
    PRO = "pro"
    ULTRA = "ultra"


@attrs.frozen(kw_only=True)
class VoiceTemplate:
    """One voice of a template group."""

    id: str
    name: str | None = None
    gender: str | None = None
    language: str | None = None
    quality_tier: QualityTier | str | None = None
    cost: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def cost_decimal(self) -> Decimal | None:
        """`cost` as a `Decimal` (None when absent or not a number)."""
        if self.cost is None:
            return None
        try:
            return Decimal(self.cost)
        except InvalidOperation:
            return None


@attrs.frozen(kw_only=True)
class VoiceTemplateGroup:
    """Voices sharing a `display_name` (the list is grouped, not flat)."""

    display_name: str | None = None
    voices: list[VoiceTemplate] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class VoiceDemo:
    """`GET /voice-templates/{voice_template_id}/demo`: a bare `{mp3_url}` (no envelope); the
    URL is signed and temporary."""

    mp3_url: str
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
