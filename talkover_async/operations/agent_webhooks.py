"""Operations of the agent webhooks area."""

from __future__ import annotations

__all__: list[str] = []
