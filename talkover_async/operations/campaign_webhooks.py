"""Operations of the campaign webhooks area."""

from __future__ import annotations

__all__: list[str] = []
