"""Operations of the flows area."""

from __future__ import annotations

__all__: list[str] = []
