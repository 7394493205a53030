"""Operations of the campaigns area."""

from __future__ import annotations

__all__: list[str] = []
