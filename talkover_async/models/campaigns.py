"""Campaign objects: campaigns in their list/get/create/update/status forms, the calls and
contact files embedded in a campaign, and the result of queueing a campaign call.

Where the docs disagree (calls-campaigns.md §4) every variant is accepted:

- the schedule is sent as `call_time_ranges` (`[{start, end}]`, `HH:MM`) and echoed that way
  by create/update, while list/get show a single `earliest_call_time`/`latest_call_time`
  window (`HH:MM:SS`). `Campaign` has both; `Campaign.time_windows` reads whichever came;
- create/update/status responses are partial (update drops `description`, status returns
  only `id, status, updated_at`), so every field but `id` is optional;
- campaign-call statuses use the hyphenated `no-answer` of the calls API while the cooldown
  field is `no_answer_cooldown_hours`: `normalized_status` accepts both spellings.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import attrs

from .calls import CallStatus
from .common import AgentRef

__all__ = [
    "CallTimeRange",
    "Campaign",
    "CampaignCall",
    "CampaignCallResult",
    "CampaignCallSummary",
    "CampaignFile",
    "CampaignFileStatus",
    "CampaignRef",
    "CampaignStats",
    "CampaignStatus",
    "CampaignType",
    "CampaignWebhookEvent",
    "DoNotCallListSource",
    "Weekday",
]


class CampaignStatus(enum.StrEnum):
    """Campaign lifecycle status (`cancelled` with a double "l").

    Transitions (`PATCH /campaigns/{campaign_id}/status`): draft -> active/cancelled;
    active -> paused/completed/cancelled; paused -> active/completed/cancelled; completed and
    cancelled are final. Nothing leads back to draft. Anything else answers 400
    `INVALID_TRANSITION` (`BadRequestError`).
    """

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def next_statuses(self) -> frozenset[CampaignStatus]:
        """The statuses this one may move to, per the documented transition table."""
        return _TRANSITIONS[self]

    @property
    def is_final(self) -> bool:
        """True for `completed` and `cancelled`."""
        return not _TRANSITIONS[self]


_TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.ACTIVE, CampaignStatus.CANCELLED}),
    CampaignStatus.ACTIVE: frozenset(
        {CampaignStatus.PAUSED, CampaignStatus.COMPLETED, CampaignStatus.CANCELLED}
    ),
    CampaignStatus.PAUSED: frozenset(
        {CampaignStatus.ACTIVE, CampaignStatus.COMPLETED, CampaignStatus.CANCELLED}
    ),
    CampaignStatus.COMPLETED: frozenset(),
    CampaignStatus.CANCELLED: frozenset(),
}


class CampaignType(enum.StrEnum):
    """`campaign_type`."""

    SALES = "sales"
    FOLLOW_UP = "follow_up"
    REMINDER = "reminder"
    CUSTOM = "custom"


class DoNotCallListSource(enum.StrEnum):
    """Where a campaign's do-not-call numbers come from."""

    ENVIRONMENT = "environment"
    GLOBAL = "global"
    CUSTOM = "custom"


class CampaignFileStatus(enum.StrEnum):
    """Status of an uploaded contact file (values seen in examples)."""

    PROCESSING = "processing"
    PROCESSED = "processed"


class Weekday(enum.IntEnum):
    """`days_of_week` items: ISO weekday numbers, 1 = Monday ... 7 = Sunday (not Python's
    0-based `date.weekday()`; `date.isoweekday()` matches)."""

    MONDAY = 1
    TUESDAY = 2
    WEDNESDAY = 3
    THURSDAY = 4
    FRIDAY = 5
    SATURDAY = 6
    SUNDAY = 7


class CampaignWebhookEvent(enum.StrEnum):
    """Campaign webhook event names seen in the docs (no full catalogue is documented; other
    names are sent as given)."""

    CAMPAIGN_STARTED = "campaign.started"
    CAMPAIGN_COMPLETED = "campaign.completed"
    CAMPAIGN_CALL_COMPLETED = "campaign_call.completed"
    CAMPAIGN_CALL_FAILED = "campaign_call.failed"


@attrs.frozen(kw_only=True)
class CallTimeRange:
    """One daily calling window `{start, end}`, 24-hour `HH:MM`, in the campaign timezone."""

    start: str
    end: str
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CampaignStats:
    """Real-time campaign statistics. `success_rate` looks like a percentage (80.0);
    `average_duration` (get only) has no documented unit."""

    total_calls: int | None = None
    completed_calls: int | None = None
    failed_calls: int | None = None
    success_rate: float | None = None
    average_duration: float | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


def _normalized(status: CallStatus | str | None) -> CallStatus | str | None:
    if status is None or isinstance(status, CallStatus):
        return status
    return CallStatus.parse(status)


@attrs.frozen(kw_only=True)
class CampaignCallSummary:
    """A call embedded in `GET /campaigns/{campaign_id}` (`calls[]`)."""

    id: str
    to: str | None = None
    status: CallStatus | str | None = None
    retries: int | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def normalized_status(self) -> CallStatus | str | None:
        """`status` with `no_answer` read as `no-answer`."""
        return _normalized(self.status)


@attrs.frozen(kw_only=True)
class CampaignFile:
    """An uploaded contact list embedded in `GET /campaigns/{campaign_id}` (`files[]`)."""

    id: str
    original_filename: str | None = None
    processed_filename: str | None = None
    status: CampaignFileStatus | str | None = None
    total_records: int | None = None
    processed_records: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Campaign:
    """A campaign, in any of the forms the API returns.

    - list items: no `call_time_ranges`; the schedule is `earliest_call_time` /
      `latest_call_time` (`HH:MM:SS`, one window); `stats` without `average_duration`;
    - get: as list, plus the cooldowns, do-not-call settings, `calls` and `files`;
    - create / update: echo `call_time_ranges` (`HH:MM`) and `end_date`; update has no
      `description` or `created_at`;
    - status change: only `id, status, updated_at`.

    Use `time_windows` to read the schedule whichever form came. `max_retries` is the
    per-contact retry count (the `contact_max_retries` argument of create/update).
    `days_of_week` are ISO weekdays (1 = Monday, see `Weekday`). Request fields whose name the
    docs do not show (auto-complete flag, retry-unconverted flag, custom DNC numbers) land in
    `extra` when the server returns them.
    """

    id: str
    name: str | None = None
    description: str | None = None
    status: CampaignStatus | str | None = None
    campaign_type: CampaignType | str | None = None
    agent_id: str | None = None
    agent: AgentRef | None = None
    start_date: date | None = None
    end_date: date | None = None
    days_of_week: list[int] = attrs.field(factory=list)
    call_time_ranges: list[CallTimeRange] = attrs.field(factory=list)
    earliest_call_time: str | None = None
    latest_call_time: str | None = None
    timezone: str | None = None
    initial_call_delay: int | None = None
    max_retries: int | None = None
    retry_cooldown_hours: int | None = None
    enable_post_completion_cooldown: bool | None = None
    post_completion_cooldown_hours: int | None = None
    success_cooldown_hours: int | None = None
    voicemail_cooldown_hours: int | None = None
    no_answer_cooldown_hours: int | None = None
    busy_cooldown_hours: int | None = None
    failed_cooldown_hours: int | None = None
    do_not_call_enabled: bool | None = None
    do_not_call_list_source: DoNotCallListSource | str | None = None
    auto_add_to_dnc_enabled: bool | None = None
    auto_dnc_trigger_statuses: list[str] = attrs.field(factory=list)
    auto_dnc_trigger_errors: list[str] = attrs.field(factory=list)
    calls: list[CampaignCallSummary] = attrs.field(factory=list)
    files: list[CampaignFile] = attrs.field(factory=list)
    stats: CampaignStats | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def time_windows(self) -> list[CallTimeRange]:
        """The daily calling windows as `HH:MM` ranges: `call_time_ranges` when the response
        had them (create/update), else the single `earliest_call_time`-`latest_call_time`
        window of list/get (seconds dropped), else empty. How several windows map to the
        earliest/latest pair is not documented: treat that pair as an outer bound."""
        if self.call_time_ranges:
            return list(self.call_time_ranges)
        if self.earliest_call_time and self.latest_call_time:
            return [CallTimeRange(start=self.earliest_call_time[:5], end=self.latest_call_time[:5])]
        return []


@attrs.frozen(kw_only=True)
class CampaignCall:
    """A queued campaign call (`campaign_call` of the 201 answer). `scheduled_at` is when it
    is planned to be dialled: the campaign's windows apply, so it may be later than now.
    Whether `id` equals a `Call.id` of `calls.list` is not documented."""

    id: str
    campaign_id: str | None = None
    to: str | None = None
    status: CallStatus | str | None = None
    scheduled_at: datetime | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def normalized_status(self) -> CallStatus | str | None:
        """`status` with `no_answer` read as `no-answer`."""
        return _normalized(self.status)


@attrs.frozen(kw_only=True)
class CampaignRef:
    """Snapshot of the parent campaign when a call was queued: `{id, name, status}`."""

    id: str
    name: str | None = None
    status: CampaignStatus | str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CampaignCallResult:
    """`POST /campaigns/{campaign_id}/call` answers 201 with a bare
    `{campaign_call, campaign}` body (no `success`/`data` envelope).

    `deduplicated` is True only with `campaigns.call(..., retry_ambiguous=True)`: an attempt
    failed in a way that may have reached the server, the SDK sent the call again, and the
    server answered 409 duplicate. `campaign_call` is then the queued or active call the 409
    reported for this number (most likely the one the lost attempt queued) and `campaign` is
    None.
    """

    campaign_call: CampaignCall
    campaign: CampaignRef | None = None
    deduplicated: bool = False
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)
