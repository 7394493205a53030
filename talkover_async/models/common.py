"""Enums and small objects shared by several API areas.

Enums are open: a field typed `Direction | str` holds a `Direction` member for a documented
value and the raw string for anything newer, so a new server value never breaks decoding.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

__all__ = ["AgentRef", "Direction", "PaginationInfo"]


class Direction(enum.StrEnum):
    """Call or agent direction."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


@attrs.frozen(kw_only=True)
class AgentRef:
    """The short agent object nested in calls and campaigns: `{id, name, label}`."""

    id: str
    name: str | None = None
    label: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class PaginationInfo:
    """A list's paging block, whichever of the `pagination`/`meta` shapes it came in."""

    current_page: int = 1
    last_page: int | None = None
    per_page: int | None = None
    total: int | None = None
    from_: int | None = attrs.field(default=None, metadata={"key": "from"})
    to: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
