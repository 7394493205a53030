"""`client.calls`: list calls and end a call (calls-campaigns.md §2.1, §2.4)."""

from __future__ import annotations

from typing import Unpack

from ..models.calls import Call, CallStatus, EndedCall
from ..models.common import Direction
from ..operations import Operation
from ..options import RequestOptions
from ..pagination import AsyncPaginator
from ..validation import (
    check_choice,
    check_date,
    check_date_range,
    check_str,
    paging,
    path_param,
)
from .base import Resource, drop_none

__all__ = ["CallsResource", "call_filters"]

CALL_STATUSES = frozenset(s.value for s in CallStatus if s is not CallStatus.QUEUED)
DIRECTIONS = frozenset(d.value for d in Direction)


def call_filters(
    *,
    status: CallStatus | str | None,
    direction: Direction | str | None,
    date_from: str | None,
    date_to: str | None,
    search: str | None,
    per_page: int | None,
    page: int | None,
) -> dict[str, object]:
    """Checked query filters shared by `calls.list` and `agents.calls`.

    `status` accepts `no_answer` as well as the documented `no-answer`.
    """
    if status is not None:
        raw = getattr(status, "value", status)
        status = check_choice(
            "status", raw.replace("_", "-") if isinstance(raw, str) else raw, CALL_STATUSES
        )
    if direction is not None:
        direction = check_choice("direction", direction, DIRECTIONS)
    if date_from is not None:
        date_from = check_date("date_from", date_from)
    if date_to is not None:
        date_to = check_date("date_to", date_to)
    check_date_range("date_from", date_from, "date_to", date_to)
    if search is not None:
        check_str("search", search, max_len=255)
    return drop_none(
        {
            "status": status,
            "direction": direction,
            "date_from": date_from,
            "date_to": date_to,
            "search": search,
            **paging(per_page, page),
        }
    )


class CallsResource(Resource):
    """Calls of the whole environment."""

    __slots__ = ()

    _LIST = Operation(
        "calls.list",
        "GET",
        "/calls",
        Call,
        side_effect=False,
        paginated=True,
        summary="Every call of the environment (paged)",
    )

    def list(
        self,
        *,
        status: CallStatus | str | None = None,
        direction: Direction | str | None = None,
        agent_id: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        search: str | None = None,
        per_page: int | None = None,
        page: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Call]:
        """`GET /calls`: every call, filtered; items carry the nested `agent`."""
        query = call_filters(
            status=status,
            direction=direction,
            date_from=date_from,
            date_to=date_to,
            search=search,
            per_page=per_page,
            page=page,
        )
        if agent_id is not None:
            query["agent_id"] = check_str("agent_id", agent_id, min_len=1, max_len=256)
        return self._client.paginate(self._LIST, query=query, options=options)

    _END = Operation(
        "calls.end",
        "POST",
        "/agents/{agent_id}/end-call",
        EndedCall,
        side_effect=False,
        summary="Hang up an active call",
    )

    async def end(
        self, call_id: str, *, agent_id: str, **options: Unpack[RequestOptions]
    ) -> EndedCall:
        """`POST /agents/{agent_id}/end-call`: hang up an active call.

        `call_id` is the call's `id` (sent as the body field `call_sid`, which despite its
        name is not the provider `sid`). Safe to retry: a repeat answers 409
        `CALL_NOT_ACTIVE` (`ConflictError`) once the call has ended.
        """
        path_param("call_id", call_id)
        result: EndedCall = await self._client._execute(
            self._END, {"agent_id": agent_id}, body={"call_sid": call_id}, options=options
        )
        return result
