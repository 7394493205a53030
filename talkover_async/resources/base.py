"""`Resource`: the base of every `client.<area>` object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequestError
from ..operations import Operation, register

if TYPE_CHECKING:
    from ..client import AsyncTalkover

__all__ = ["Resource", "drop_none", "require_fields"]


class Resource:
    """An API area bound to a client. Methods check arguments, then run an operation.

    Each method's `Operation` is a class attribute declared right above it
    (`_GET = Operation("agents.get", "GET", "/agents/{agent_id}", Agent, side_effect=False)`);
    defining the class registers every such attribute in `OPERATIONS`.
    """

    __slots__ = ("_client",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for value in vars(cls).values():
            if isinstance(value, Operation):
                register(value)

    def __init__(self, client: AsyncTalkover) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    """The arguments that were given (None means "not sent")."""
    return {k: v for k, v in values.items() if v is not None}


def require_fields(
    body: Mapping[str, Any],
    options: Mapping[str, object],
    method: str = "update",
    verb: str = "change",
) -> None:
    """A partial update (or check) must send something: a field or `extra_body`."""
    if not body and not options.get("extra_body"):
        raise InvalidRequestError(method, f"give at least one field to {verb}")
