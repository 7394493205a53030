"""Operations of the phone numbers area."""

from __future__ import annotations

__all__: list[str] = []
