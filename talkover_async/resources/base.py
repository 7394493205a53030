"""`Resource`: the base of every `client.<area>` object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import AsyncTalkover

__all__ = ["Resource", "drop_none"]


class Resource:
    """An API area bound to a client. Methods check arguments, then run an operation."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncTalkover) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    """The arguments that were given (None means "not sent")."""
    return {k: v for k, v in values.items() if v is not None}
