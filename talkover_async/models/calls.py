"""Call objects: make-call results, call list items, end-call results.

Call `status` uses the hyphenated `no-answer` of the calls API; the campaign cooldown field
`no_answer_cooldown_hours` and the callback trigger `no_answer` spell it with an underscore
(see `CallStatus.parse`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

from .common import AgentRef, Direction

__all__ = ["Call", "CallStatus", "EndedCall"]


class CallStatus(enum.StrEnum):
    """Documented call statuses (`queued` appears on campaign calls only)."""

    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    ANSWERED = "answered"
    COMPLETED = "completed"
    FAILED = "failed"
    BUSY = "busy"
    NO_ANSWER = "no-answer"

    @classmethod
    def parse(cls, value: str) -> CallStatus | str:
        """Accept both `no-answer` (calls API) and `no_answer` (callback/campaign spelling)."""
        normalized = value.replace("_", "-")
        try:
            return cls(normalized)
        except ValueError:
            return value

    @property
    def is_final(self) -> bool:
        """True once the call can no longer change status."""
        return self in _FINAL


_FINAL = frozenset({CallStatus.COMPLETED, CallStatus.FAILED, CallStatus.BUSY, CallStatus.NO_ANSWER})


@attrs.frozen(kw_only=True)
class Call:
    """A call: the make-call result (`id, agent_id, to, status, created_at`) or a list item.

    `id` is the value End Call expects as `call_sid`; `sid` is the telephony provider's SID.
    `agent` is present only in `GET /calls`, not in the agent-scoped list.
    """

    id: str
    agent_id: str | None = None
    sid: str | None = None
    to: str | None = None
    from_: str | None = attrs.field(default=None, metadata={"key": "from"})
    to_formatted: str | None = None
    from_formatted: str | None = None
    is_testing: bool | None = None
    direction: Direction | str | None = None
    status: CallStatus | str | None = None
    duration: int | None = None
    agent: AgentRef | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class EndedCall:
    """End Call result: `{id, status, ended_at, ended_reason}` (e.g. `ended_by_api`)."""

    id: str
    status: CallStatus | str | None = None
    ended_at: datetime | None = None
    ended_reason: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
