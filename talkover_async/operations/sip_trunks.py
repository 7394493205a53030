"""Operations of the sip trunks area."""

from __future__ import annotations

__all__: list[str] = []
