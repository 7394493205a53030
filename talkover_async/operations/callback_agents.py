"""Operations of the callback agents area."""

from __future__ import annotations

__all__: list[str] = []
