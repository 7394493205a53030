"""Operations of the account area."""

from __future__ import annotations

__all__: list[str] = []
