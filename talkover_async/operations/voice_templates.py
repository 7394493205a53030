"""Operations of the voice templates area."""

from __future__ import annotations

__all__: list[str] = []
