"""Operations of the campaign sftp area."""

from __future__ import annotations

__all__: list[str] = []
