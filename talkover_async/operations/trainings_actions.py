"""Operations of the trainings actions area."""

from __future__ import annotations

__all__: list[str] = []
