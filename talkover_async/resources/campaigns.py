"""`client.campaigns`: campaigns, status, campaign calls (calls-campaigns.md §2.5-2.11), with
nested `webhooks` and `sftp`.

Campaign calls and retries (see `CampaignsResource.call` and docs/campaign-calls.md): placing
a campaign call is unsafe, so it is retried only when the request provably never left or on
429. The campaign's duplicate rule (`allow_duplicates=False`, the default: a number with a
queued or active call in the campaign is refused with 409) is the idempotency guard that
makes re-placing a call after an ambiguous failure safe; `retry_ambiguous=True` lets the SDK
do that re-send itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Unpack

import attrs

from .. import _json
from ..errors import APIStatusError, ConflictError, DuplicateCallError, InvalidRequestError
from ..http import Attempt
from ..models.campaigns import (
    CallTimeRange,
    Campaign,
    CampaignCall,
    CampaignCallResult,
    CampaignStatus,
    CampaignType,
    DoNotCallListSource,
)
from ..models.results import Ack
from ..operations import Operation
from ..options import RequestOptions
from ..pagination import AsyncPaginator
from ..serde import structure
from ..validation import (
    check_bool,
    check_choice,
    check_date,
    check_date_range,
    check_e164,
    check_int,
    check_list,
    check_mapping,
    check_str,
    paging,
)
from .base import Resource, drop_none, require_fields
from .campaign_sftp import CampaignSftpResource
from .campaign_webhooks import CampaignWebhooksResource

if TYPE_CHECKING:
    from ..client import AsyncTalkover

__all__ = ["CampaignsResource", "DuplicateCallError"]

CAMPAIGN_STATUSES = frozenset(x.value for x in CampaignStatus)
CAMPAIGN_TYPES = frozenset(x.value for x in CampaignType)
DNC_SOURCES = frozenset(x.value for x in DoNotCallListSource)
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:00)?$")
#: Statuses after which a campaign-call attempt may have been processed by the server.
_AMBIGUOUS_STATUSES = frozenset({408, 500, 502, 503, 504})
#: Keys under which a 409 body may carry the existing call (the documented body is cut off).
_EXISTING_CALL_KEYS = ("existing_call", "campaign_call", "call", "existing_campaign_call")


class CampaignsResource(Resource):
    """Campaigns of the environment, with nested `webhooks` and `sftp`."""

    __slots__ = ("sftp", "webhooks")

    def __init__(self, client: AsyncTalkover) -> None:
        super().__init__(client)
        self.webhooks = CampaignWebhooksResource(client)
        self.sftp = CampaignSftpResource(client)

    _LIST = Operation(
        "campaigns.list",
        "GET",
        "/campaigns",
        Campaign,
        side_effect=False,
        paginated=True,
        summary="List campaigns with stats (paged, full `pagination`)",
    )

    def list(
        self,
        *,
        status: CampaignStatus | str | None = None,
        campaign_type: CampaignType | str | None = None,
        agent_id: str | None = None,
        date_from: str | date | None = None,
        date_to: str | date | None = None,
        search: str | None = None,
        per_page: int | None = None,
        page: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Campaign]:
        """`GET /campaigns` (paged, full `pagination`): `await` for a page, `async for` for
        every campaign. Items show the schedule as `earliest_call_time`/`latest_call_time`
        (`HH:MM:SS`), not `call_time_ranges`: read `Campaign.time_windows`."""
        start = None if date_from is None else check_date("date_from", date_from)
        end = None if date_to is None else check_date("date_to", date_to)
        check_date_range("date_from", start, "date_to", end)
        query = drop_none(
            {
                "status": None
                if status is None
                else check_choice("status", status, CAMPAIGN_STATUSES),
                "campaign_type": None
                if campaign_type is None
                else check_choice("campaign_type", campaign_type, CAMPAIGN_TYPES),
                "agent_id": None
                if agent_id is None
                else check_str("agent_id", agent_id, min_len=1, max_len=256),
                "date_from": start,
                "date_to": end,
                "search": None if search is None else check_str("search", search, max_len=255),
                **paging(per_page, page),
            }
        )
        return self._client.paginate(self._LIST, query=query, options=options)

    _GET = Operation(
        "campaigns.get",
        "GET",
        "/campaigns/{campaign_id}",
        Campaign,
        side_effect=False,
        summary="Get one campaign with cooldowns, DNC settings, calls, files, stats",
    )

    async def get(self, campaign_id: str, **options: Unpack[RequestOptions]) -> Campaign:
        """`GET /campaigns/{campaign_id}`: configuration, cooldowns, do-not-call settings,
        embedded `calls` and `files`, and `stats`."""
        result: Campaign = await self._client._execute(
            self._GET, {"campaign_id": campaign_id}, options=options
        )
        return result

    _CREATE = Operation(
        "campaigns.create",
        "POST",
        "/campaigns",
        Campaign,
        side_effect=True,
        summary="Create a campaign (always `draft`)",
    )

    async def create(
        self,
        *,
        name: str,
        campaign_type: CampaignType | str,
        agent_id: str,
        start_date: str | date,
        days_of_week: Sequence[int],
        call_time_ranges: Sequence[CallTimeRange | Mapping[str, str] | tuple[str, str]],
        description: str | None = None,
        end_date: str | date | None = None,
        timezone: str | None = None,
        initial_call_delay: int | None = None,
        contact_max_retries: int | None = None,
        retry_cooldown_hours: int | None = None,
        enable_post_completion_cooldown: bool | None = None,
        post_completion_cooldown_hours: int | None = None,
        success_cooldown_hours: int | None = None,
        voicemail_cooldown_hours: int | None = None,
        no_answer_cooldown_hours: int | None = None,
        busy_cooldown_hours: int | None = None,
        failed_cooldown_hours: int | None = None,
        do_not_call_enabled: bool | None = None,
        do_not_call_list_source: DoNotCallListSource | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Campaign:
        """`POST /campaigns`: create a campaign, always in `draft` (it dials nothing until
        `update_status(campaign_id, "active")`).

        Schedule: `start_date`/`end_date` `YYYY-MM-DD` (or `date`), end strictly after start;
        `days_of_week` ISO weekdays 1..7, 1 = Monday (`Weekday`); `call_time_ranges` one or
        more `{start, end}` windows in 24-hour `HH:MM` (a `CallTimeRange`, a mapping or a
        `(start, end)` pair; `HH:MM:00` as shown by get is accepted and trimmed), end after
        start, in `timezone` (IANA, ≤50 chars). Responses of list/get show the schedule as
        `earliest_call_time`/`latest_call_time` instead: read `Campaign.time_windows`.

        `contact_max_retries` (0-10, default 3) is sent as `max_retries` (the retries per
        contact; `max_retries=` stays the per-request option). Cooldowns are hours, 1-168
        each; note `no_answer_cooldown_hours` uses an underscore while call statuses say
        `no-answer`. Fields whose names the docs do not show (auto-complete, retry
        unconverted, custom DNC numbers, auto-DNC) go in `extra_body`. Not retried once it
        may have reached the server (a repeat would create a second campaign).
        """
        body = _campaign_body(
            creating=True,
            name=name,
            description=description,
            campaign_type=campaign_type,
            agent_id=agent_id,
            start_date=start_date,
            end_date=end_date,
            days_of_week=days_of_week,
            call_time_ranges=call_time_ranges,
            timezone=timezone,
            initial_call_delay=initial_call_delay,
            contact_max_retries=contact_max_retries,
            retry_cooldown_hours=retry_cooldown_hours,
            enable_post_completion_cooldown=enable_post_completion_cooldown,
            cooldowns={
                "post_completion_cooldown_hours": post_completion_cooldown_hours,
                "success_cooldown_hours": success_cooldown_hours,
                "voicemail_cooldown_hours": voicemail_cooldown_hours,
                "no_answer_cooldown_hours": no_answer_cooldown_hours,
                "busy_cooldown_hours": busy_cooldown_hours,
                "failed_cooldown_hours": failed_cooldown_hours,
            },
            do_not_call_enabled=do_not_call_enabled,
            do_not_call_list_source=do_not_call_list_source,
        )
        result: Campaign = await self._client._execute(self._CREATE, body=body, options=options)
        return result

    _UPDATE = Operation(
        "campaigns.update",
        "PUT",
        "/campaigns/{campaign_id}",
        Campaign,
        side_effect=False,
        summary="Update a campaign (partial; 409 with active calls)",
    )

    async def update(
        self,
        campaign_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        campaign_type: CampaignType | str | None = None,
        agent_id: str | None = None,
        start_date: str | date | None = None,
        end_date: str | date | None = None,
        clear_end_date: bool = False,
        days_of_week: Sequence[int] | None = None,
        call_time_ranges: Sequence[CallTimeRange | Mapping[str, str] | tuple[str, str]]
        | None = None,
        timezone: str | None = None,
        initial_call_delay: int | None = None,
        contact_max_retries: int | None = None,
        retry_cooldown_hours: int | None = None,
        enable_post_completion_cooldown: bool | None = None,
        post_completion_cooldown_hours: int | None = None,
        success_cooldown_hours: int | None = None,
        voicemail_cooldown_hours: int | None = None,
        no_answer_cooldown_hours: int | None = None,
        busy_cooldown_hours: int | None = None,
        failed_cooldown_hours: int | None = None,
        do_not_call_enabled: bool | None = None,
        do_not_call_list_source: DoNotCallListSource | str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Campaign:
        """`PUT /campaigns/{campaign_id}`: partial update despite the verb (only the fields
        given change), same rules as `create`. `clear_end_date=True` sends `end_date: null`
        (removes the end date). Status is not changed here: use `update_status`.

        The response is partial (`id, name, campaign_type, status, agent_id, start_date,
        end_date, days_of_week, call_time_ranges, timezone, max_retries, retry_cooldown_hours,
        do_not_call_enabled, updated_at`; no `description`). 409 (`ConflictError`) when the
        campaign has active calls. Changing the windows or timezone of an active campaign can
        hold back calls already queued. At least one field (or `extra_body`) is required.
        """
        if clear_end_date and end_date is not None:
            raise InvalidRequestError("end_date", "give end_date or clear_end_date, not both")
        body = _campaign_body(
            creating=False,
            name=name,
            description=description,
            campaign_type=campaign_type,
            agent_id=agent_id,
            start_date=start_date,
            end_date=end_date,
            days_of_week=days_of_week,
            call_time_ranges=call_time_ranges,
            timezone=timezone,
            initial_call_delay=initial_call_delay,
            contact_max_retries=contact_max_retries,
            retry_cooldown_hours=retry_cooldown_hours,
            enable_post_completion_cooldown=enable_post_completion_cooldown,
            cooldowns={
                "post_completion_cooldown_hours": post_completion_cooldown_hours,
                "success_cooldown_hours": success_cooldown_hours,
                "voicemail_cooldown_hours": voicemail_cooldown_hours,
                "no_answer_cooldown_hours": no_answer_cooldown_hours,
                "busy_cooldown_hours": busy_cooldown_hours,
                "failed_cooldown_hours": failed_cooldown_hours,
            },
            do_not_call_enabled=do_not_call_enabled,
            do_not_call_list_source=do_not_call_list_source,
        )
        if check_bool("clear_end_date", clear_end_date):
            body["end_date"] = None
        require_fields(body, options)
        result: Campaign = await self._client._execute(
            self._UPDATE, {"campaign_id": campaign_id}, body=body, options=options
        )
        return result

    _DELETE = Operation(
        "campaigns.delete",
        "DELETE",
        "/campaigns/{campaign_id}",
        Ack,
        side_effect=False,
        summary="Delete a campaign (403 while active, 409 with calls in progress)",
    )

    async def delete(self, campaign_id: str, **options: Unpack[RequestOptions]) -> Ack:
        """`DELETE /campaigns/{campaign_id}`: permanent, also deletes the campaign's calls,
        files and statistics. An `active` campaign answers 403 `PermissionDeniedError` (pause
        or cancel it first); one with calls in progress 409 `ConflictError`."""
        result: Ack = await self._client._execute(
            self._DELETE, {"campaign_id": campaign_id}, options=options
        )
        return result

    _UPDATE_STATUS = Operation(
        "campaigns.update_status",
        "PATCH",
        "/campaigns/{campaign_id}/status",
        Campaign,
        side_effect=False,
        summary="Start, pause, resume, complete or cancel (400 `INVALID_TRANSITION`)",
    )

    async def update_status(
        self,
        campaign_id: str,
        status: CampaignStatus | str,
        **options: Unpack[RequestOptions],
    ) -> Campaign:
        """`PATCH /campaigns/{campaign_id}/status`: start (`active`), pause, resume
        (`active`), complete or cancel. Returns a partial campaign `{id, status, updated_at}`.

        Allowed: draft -> active/cancelled; active -> paused/completed/cancelled;
        paused -> active/completed/cancelled; completed and cancelled are final (see
        `CampaignStatus.next_statuses`). Any other move answers 400 `INVALID_TRANSITION`
        (`BadRequestError`, `code == "INVALID_TRANSITION"`). Side effect of `active`: the
        platform starts dialling within the campaign's windows.
        """
        body = {"status": check_choice("status", status, CAMPAIGN_STATUSES)}
        result: Campaign = await self._client._execute(
            self._UPDATE_STATUS, {"campaign_id": campaign_id}, body=body, options=options
        )
        return result

    _CALL = Operation(
        "campaigns.call",
        "POST",
        "/campaigns/{campaign_id}/call",
        CampaignCallResult,
        side_effect=True,
        summary="Queue a call in a campaign (bare 201 body; 409 duplicate number)",
    )

    async def call(
        self,
        campaign_id: str,
        *,
        to: str,
        payload: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        is_testing: bool | None = None,
        allow_duplicates: bool | None = None,
        retry_ambiguous: bool = False,
        **options: Unpack[RequestOptions],
    ) -> CampaignCallResult:
        """`POST /campaigns/{campaign_id}/call`: queue a call (E.164 `to`) under the
        campaign's agent, windows, retry policy and DNC rules; it may be dialled later
        (`campaign_call.scheduled_at`). The 201 answer is a bare `{campaign_call, campaign}`,
        returned as a `CampaignCallResult`.

        Duplicates: with `allow_duplicates` false (the server default), a number that already
        has a queued or active call in this campaign is refused with 409, raised as
        `DuplicateCallError` (a `ConflictError`) with the `existing_call`.

        Retries: placing a call is unsafe, so by default the SDK re-sends only when the
        request provably never left (`APIConnectionError(sent=False)`) or on 429. A 409 on
        such a re-send is a real duplicate from an earlier call and is raised as above. After
        an ambiguous failure (reset or timeout after sending, 5xx) you get
        `APIConnectionError(sent=True)` or the 5xx error: the call may be queued. Placing it
        again is then safe *only* with `allow_duplicates` false, because the server's 409
        rejects a duplicate while the first call is queued or active: the duplicate rule is
        the idempotency guard. (Once that call has ended the number is free again, so do not
        re-place much later.)

        `retry_ambiguous=True` (only with `allow_duplicates` not true) lets the SDK do that
        re-send itself, within the client's `max_retries`/`deadline`: after an ambiguous
        failure it sends again, and a 409 duplicate on that re-send returns a
        `CampaignCallResult` with `deduplicated=True` and the existing call. A 409 on the
        first attempt, or one without the existing call's details, is still raised.
        """
        body = drop_none(
            {
                "to": check_e164("to", to),
                "payload": None if payload is None else check_mapping("payload", payload),
                "context": None if context is None else check_mapping("context", context),
                "is_testing": None if is_testing is None else check_bool("is_testing", is_testing),
                "allow_duplicates": None
                if allow_duplicates is None
                else check_bool("allow_duplicates", allow_duplicates),
            }
        )
        op = self._CALL
        if check_bool("retry_ambiguous", retry_ambiguous):
            extra = options.get("extra_body") or {}
            if allow_duplicates is True or extra.get("allow_duplicates") is True:
                raise InvalidRequestError(
                    "retry_ambiguous",
                    "needs allow_duplicates false: the server's duplicate check is what makes "
                    "re-sending a call safe",
                )
            op = _CALL_RETRY_AMBIGUOUS
        try:
            result: CampaignCallResult = await self._client._execute(
                op, {"campaign_id": campaign_id}, body=body, options=options
            )
        except ConflictError as exc:
            if allow_duplicates is True:
                raise
            existing = _existing_call(exc, to)
            if existing is None:
                raise
            if op is _CALL_RETRY_AMBIGUOUS and _after_ambiguous_attempt(exc.attempts):
                return CampaignCallResult(campaign_call=existing, deduplicated=True)
            raise DuplicateCallError.from_conflict(exc, existing) from None
        return result


#: `campaigns.call` when the caller opted in to re-sending after an ambiguous failure: the
#: same endpoint, without the side-effect mark, so the retry middleware re-sends it (a module
#: attribute, not a class one: it is not registered).
_CALL_RETRY_AMBIGUOUS = attrs.evolve(CampaignsResource._CALL, side_effect=False)


# --- argument checks ----------------------------------------------------------------------


def _campaign_body(
    *,
    creating: bool,
    name: str | None,
    description: str | None,
    campaign_type: CampaignType | str | None,
    agent_id: str | None,
    start_date: str | date | None,
    end_date: str | date | None,
    days_of_week: Sequence[int] | None,
    call_time_ranges: Sequence[CallTimeRange | Mapping[str, str] | tuple[str, str]] | None,
    timezone: str | None,
    initial_call_delay: int | None,
    contact_max_retries: int | None,
    retry_cooldown_hours: int | None,
    enable_post_completion_cooldown: bool | None,
    cooldowns: Mapping[str, int | None],
    do_not_call_enabled: bool | None,
    do_not_call_list_source: DoNotCallListSource | str | None,
) -> dict[str, Any]:
    """The checked create/update body (create: the required fields must be given)."""
    if creating:
        required = (
            ("name", name),
            ("campaign_type", campaign_type),
            ("agent_id", agent_id),
            ("start_date", start_date),
            ("days_of_week", days_of_week),
            ("call_time_ranges", call_time_ranges),
        )
        for field, value in required:
            if value is None:
                raise InvalidRequestError(field, "is required")
    start = None if start_date is None else check_date("start_date", start_date)
    end = None if end_date is None else check_date("end_date", end_date)
    if start is not None and end is not None and end <= start:
        raise InvalidRequestError("end_date", "must be after start_date")
    body: dict[str, Any] = {
        "name": None if name is None else check_str("name", name, min_len=1, max_len=255),
        "description": None if description is None else check_str("description", description),
        "campaign_type": None
        if campaign_type is None
        else check_choice("campaign_type", campaign_type, CAMPAIGN_TYPES),
        "agent_id": None
        if agent_id is None
        else check_str("agent_id", agent_id, min_len=1, max_len=256),
        "start_date": start,
        "end_date": end,
        "days_of_week": None if days_of_week is None else _days(days_of_week),
        "call_time_ranges": None if call_time_ranges is None else _ranges(call_time_ranges),
        "timezone": None
        if timezone is None
        else check_str("timezone", timezone, min_len=1, max_len=50),
        "initial_call_delay": None
        if initial_call_delay is None
        else check_int("initial_call_delay", initial_call_delay, 0),
        "max_retries": None
        if contact_max_retries is None
        else check_int("contact_max_retries", contact_max_retries, 0, 10),
        "retry_cooldown_hours": None
        if retry_cooldown_hours is None
        else check_int("retry_cooldown_hours", retry_cooldown_hours, 1, 168),
        "enable_post_completion_cooldown": None
        if enable_post_completion_cooldown is None
        else check_bool("enable_post_completion_cooldown", enable_post_completion_cooldown),
        "do_not_call_enabled": None
        if do_not_call_enabled is None
        else check_bool("do_not_call_enabled", do_not_call_enabled),
        "do_not_call_list_source": None
        if do_not_call_list_source is None
        else check_choice("do_not_call_list_source", do_not_call_list_source, DNC_SOURCES),
    }
    for field, hours in cooldowns.items():
        body[field] = None if hours is None else check_int(field, hours, 1, 168)
    return drop_none(body)


def _days(value: object) -> list[int]:
    """`days_of_week`: at least one ISO weekday, 1 (Monday) to 7 (Sunday)."""
    days = check_list("days_of_week", value, min_items=1, item=int)
    for i, day in enumerate(days):
        if not 1 <= day <= 7:
            raise InvalidRequestError(f"days_of_week[{i}]", "must be 1 (Monday) to 7 (Sunday)")
    return [int(day) for day in days]


def _ranges(value: object) -> list[dict[str, str]]:
    """`call_time_ranges`: at least one `{start, end}` window, `HH:MM`, end after start."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, list | tuple):
        raise InvalidRequestError("call_time_ranges", "must be a list of {start, end} windows")
    if not value:
        raise InvalidRequestError("call_time_ranges", "must contain at least 1 item(s)")
    out: list[dict[str, str]] = []
    for i, item in enumerate(value):
        field = f"call_time_ranges[{i}]"
        start: object
        end: object
        if isinstance(item, CallTimeRange):
            start, end = item.start, item.end
        elif isinstance(item, Mapping) and set(item) == {"start", "end"}:
            start, end = item["start"], item["end"]
        elif isinstance(item, tuple) and len(item) == 2:
            start, end = item
        else:
            raise InvalidRequestError(
                field, "must be a CallTimeRange, a {start, end} mapping or a (start, end) pair"
            )
        start_text = _hhmm(f"{field}.start", start)
        end_text = _hhmm(f"{field}.end", end)
        if end_text <= start_text:
            raise InvalidRequestError(f"{field}.end", "must be after start")
        out.append({"start": start_text, "end": end_text})
    return out


def _hhmm(field: str, value: object) -> str:
    """A 24-hour `HH:MM` time; `HH:MM:00` (the form list/get responses show) is trimmed."""
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise InvalidRequestError(field, "must be a time in 24-hour HH:MM form")
    return value[:5]


# --- campaign-call duplicates -------------------------------------------------------------


def _existing_call(exc: APIStatusError, to: str) -> CampaignCall | None:
    """The existing call a 409 duplicate body carries, or None when the 409 does not show
    one for this number (then it is some other conflict, and stays a plain `ConflictError`).

    The documented body is cut off after `{"success": false, ...` "with the existing call's
    details": the call is looked for under the usual keys at the top level, in `data`, in
    `details` and in `error.details`, or as one of those objects itself.
    """
    levels: list[Any] = [exc.details]
    if exc.response is not None:
        try:
            body = _json.loads(exc.response.content)
        except (ValueError, TypeError, RecursionError):  # _json.JSONDecodeError's members
            body = None
        if isinstance(body, dict):
            error = body.get("error")
            levels += [
                body,
                body.get("data"),
                body.get("details"),
                error.get("details") if isinstance(error, dict) else None,
            ]
    for level in levels:
        if not isinstance(level, Mapping):
            continue
        candidates = [level.get(key) for key in _EXISTING_CALL_KEYS]
        if "id" in level and "to" in level:
            candidates.append(level)
        for candidate in candidates:
            if not isinstance(candidate, Mapping) or not isinstance(candidate.get("id"), str):
                continue
            if candidate.get("to") not in (None, to):
                continue
            call = _as_call(candidate)
            if call is not None:
                return call
    return None


def _as_call(data: Mapping[str, Any]) -> CampaignCall | None:
    """`data` as a `CampaignCall`; an odd shape is "no evidence", not an error."""
    try:
        call: CampaignCall = structure(dict(data), CampaignCall)
    except Exception:
        return None
    return call


def _after_ambiguous_attempt(attempts: Sequence[Attempt]) -> bool:
    """Whether an attempt before the last one may have reached the server (a connection
    error, whose `sent` flag the history does not keep, counts as ambiguous; a 429 does not)."""
    return any(a.error is not None or a.status_code in _AMBIGUOUS_STATUSES for a in attempts[:-1])
