"""Campaigns resource (calls-campaigns.md §2.5-2.11): requests sent, strict decoding of the
documented bodies, argument checks before any I/O, the traps of §4 that concern campaigns,
and how campaign calls are retried around the duplicate rule."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import tenacity

from talkover_async import (
    Ack,
    APIConnectionError,
    AsyncTalkover,
    BadRequestError,
    CallStatus,
    ConflictError,
    DuplicateCallError,
    InternalServerError,
    InvalidRequestError,
    PermissionDeniedError,
)
from talkover_async.http import Response
from talkover_async.models.campaigns import (
    CallTimeRange,
    Campaign,
    CampaignCall,
    CampaignCallResult,
    CampaignCallSummary,
    CampaignFileStatus,
    CampaignStatus,
    CampaignType,
    DoNotCallListSource,
    Weekday,
)
from talkover_async.operations import OPERATIONS, decode
from talkover_async.serde import structure
from talkover_async.transports import MockTransport

from .recorder import Recorder, client_for

CAMPAIGN_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
AGENT_ID = "550e8400-e29b-41d4-a716-446655440000"
TO = "+14155550100"
TS = "2024-01-15T10:30:00Z"

AGENT_REF = {"id": AGENT_ID, "name": "Sales Agent", "label": "Sales"}

# §2.5 list item: schedule as earliest/latest HH:MM:SS, short stats.
LIST_ITEM: dict[str, Any] = {
    "id": CAMPAIGN_ID,
    "name": "Q1 Sales Campaign",
    "description": "Outbound sales calls",
    "status": "active",
    "campaign_type": "sales",
    "start_date": "2024-01-15",
    "days_of_week": [1, 2, 3, 4, 5],
    "earliest_call_time": "09:00:00",
    "latest_call_time": "17:00:00",
    "timezone": "America/New_York",
    "agent_id": AGENT_ID,
    "initial_call_delay": 0,
    "max_retries": 3,
    "retry_cooldown_hours": 24,
    "agent": AGENT_REF,
    "stats": {"total_calls": 100, "completed_calls": 80, "failed_calls": 20, "success_rate": 80.0},
    "created_at": TS,
    "updated_at": TS,
}

# §2.7 get: everything, plus cooldowns, DNC settings, calls, files, average_duration.
FULL: dict[str, Any] = {
    **LIST_ITEM,
    "enable_post_completion_cooldown": True,
    "post_completion_cooldown_hours": 168,
    "success_cooldown_hours": 168,
    "voicemail_cooldown_hours": 24,
    "no_answer_cooldown_hours": 24,
    "busy_cooldown_hours": 24,
    "failed_cooldown_hours": 24,
    "do_not_call_enabled": True,
    "do_not_call_list_source": "environment",
    "auto_add_to_dnc_enabled": True,
    "auto_dnc_trigger_statuses": ["completed", "voicemail"],
    "auto_dnc_trigger_errors": ["invalid_number", "disconnected"],
    "calls": [
        {
            "id": "call-uuid-1",
            "to": "+14155550101",
            "status": "completed",
            "retries": 0,
            "created_at": TS,
        },
        {
            "id": "call-uuid-2",
            "to": "+14155550102",
            "status": "failed",
            "retries": 2,
            "created_at": TS,
        },
    ],
    "files": [
        {
            "id": "file-uuid-1",
            "original_filename": "contacts.csv",
            "processed_filename": "contacts_processed.csv",
            "status": "processed",
            "total_records": 100,
            "processed_records": 100,
        }
    ],
    "stats": {
        "total_calls": 100,
        "completed_calls": 80,
        "failed_calls": 20,
        "success_rate": 80.0,
        "average_duration": 125.5,
    },
}

# §2.6 create response: call_time_ranges echoed, end_date null, status draft.
CREATED: dict[str, Any] = {
    "id": CAMPAIGN_ID,
    "name": "Q1 Sales Campaign",
    "description": "Outbound sales calls",
    "campaign_type": "sales",
    "status": "draft",
    "agent_id": AGENT_ID,
    "start_date": "2024-01-15",
    "end_date": None,
    "days_of_week": [1, 2, 3, 4, 5],
    "call_time_ranges": [{"start": "09:00", "end": "12:00"}, {"start": "14:00", "end": "17:00"}],
    "timezone": "America/New_York",
    "max_retries": 3,
    "retry_cooldown_hours": 24,
    "do_not_call_enabled": False,
    "created_at": TS,
    "updated_at": TS,
}

# §2.8 update response: partial, no description / created_at.
UPDATED: dict[str, Any] = {
    key: value for key, value in CREATED.items() if key not in ("description", "created_at")
} | {"name": "Renamed", "end_date": "2024-03-31"}

QUEUED: dict[str, Any] = {
    "campaign_call": {
        "id": "cc-uuid-1",
        "campaign_id": CAMPAIGN_ID,
        "to": TO,
        "status": "queued",
        "scheduled_at": "2024-01-15T14:00:00Z",
        "created_at": TS,
    },
    "campaign": {"id": CAMPAIGN_ID, "name": "Q1 Sales Campaign", "status": "active"},
}

DUPLICATE: dict[str, Any] = {
    "success": False,
    "message": "This number already has a queued call in this campaign.",
    "code": "CONFLICT",
    "data": {"existing_call": QUEUED["campaign_call"]},
}


def ok(data: Any, message: str | None = None) -> tuple[int, Any]:
    body: dict[str, Any] = {"success": True, "data": data}
    if message is not None:
        body["message"] = message
    return 200, body


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Retries without the exponential backoff wait (the behaviour under test is which
    attempts happen, not how long they wait)."""
    monkeypatch.setattr(
        tenacity,
        "wait_random_exponential",
        lambda **_: lambda _state: 0.0,
    )
    yield


# --- list / get -------------------------------------------------------------------------


async def test_list_sends_filters_and_decodes_full_pagination() -> None:
    page = {
        "success": True,
        "data": [LIST_ITEM],
        "pagination": {
            "current_page": 1,
            "last_page": 2,
            "per_page": 20,
            "total": 25,
            "from": 1,
            "to": 20,
        },
    }
    rec = Recorder((200, page))
    async with client_for(rec) as client:
        first = await client.campaigns.list(
            status=CampaignStatus.ACTIVE,
            campaign_type="follow_up",
            agent_id=AGENT_ID,
            date_from=date(2024, 1, 1),
            date_to="2024-01-31",
            search="Q1",
            per_page=20,
            page=1,
        )
    assert rec.last.method == "GET" and rec.path() == "/api/v1/campaigns"
    assert rec.query() == {
        "status": ["active"],
        "campaign_type": ["follow_up"],
        "agent_id": [AGENT_ID],
        "date_from": ["2024-01-01"],
        "date_to": ["2024-01-31"],
        "search": ["Q1"],
        "per_page": ["20"],
        "page": ["1"],
    }
    assert (first.current_page, first.last_page, first.per_page, first.total) == (1, 2, 20, 25)
    assert first.has_next
    item = first.items[0]
    assert isinstance(item, Campaign)
    assert item.status is CampaignStatus.ACTIVE and item.campaign_type is CampaignType.SALES
    assert item.start_date == date(2024, 1, 15) and item.days_of_week == [1, 2, 3, 4, 5]
    assert item.call_time_ranges == [] and item.earliest_call_time == "09:00:00"
    assert item.time_windows == [CallTimeRange(start="09:00", end="17:00")]
    assert item.stats is not None and item.stats.success_rate == 80.0
    assert item.stats.average_duration is None
    assert item.agent is not None and item.agent.label == "Sales"


async def test_list_iterates_every_page_keeping_filters() -> None:
    def page(n: int) -> tuple[int, Any]:
        item = {**LIST_ITEM, "id": f"c{n}"}
        pagination = {
            "current_page": n,
            "last_page": 2,
            "per_page": 1,
            "total": 2,
            "from": n,
            "to": n,
        }
        return 200, {"success": True, "data": [item], "pagination": pagination}

    rec = Recorder(page(1), page(2))
    async with client_for(rec) as client:
        ids = [c.id async for c in client.campaigns.list(status="paused", per_page=1)]
    assert ids == ["c1", "c2"]
    assert [rec.query(i)["page"] for i in range(2)] == [["1"], ["2"]]
    assert all(rec.query(i)["status"] == ["paused"] for i in range(2))


async def test_get_decodes_the_full_campaign_strictly() -> None:
    rec = Recorder(ok(FULL))
    async with client_for(rec) as client:
        campaign = await client.campaigns.get(CAMPAIGN_ID)
    assert rec.last.method == "GET" and rec.path() == f"/api/v1/campaigns/{CAMPAIGN_ID}"
    assert campaign.no_answer_cooldown_hours == 24 and campaign.success_cooldown_hours == 168
    assert campaign.do_not_call_list_source is DoNotCallListSource.ENVIRONMENT
    assert campaign.auto_dnc_trigger_statuses == ["completed", "voicemail"]
    assert [c.status for c in campaign.calls] == [CallStatus.COMPLETED, CallStatus.FAILED]
    assert campaign.calls[1].retries == 2
    assert campaign.files[0].status is CampaignFileStatus.PROCESSED
    assert campaign.stats is not None and campaign.stats.average_duration == 125.5
    assert campaign.extra == {}


# --- create / update --------------------------------------------------------------------


async def test_create_sends_the_documented_body_and_decodes_a_draft() -> None:
    rec = Recorder(ok(CREATED, "Campaign created successfully"))
    async with client_for(rec) as client:
        campaign = await client.campaigns.create(
            name="Q1 Sales Campaign",
            description="Outbound sales calls",
            campaign_type=CampaignType.SALES,
            agent_id=AGENT_ID,
            start_date=date(2024, 1, 15),
            end_date="2024-03-31",
            days_of_week=[Weekday.MONDAY, 2, 3, 4, Weekday.FRIDAY],
            call_time_ranges=[
                CallTimeRange(start="09:00", end="12:00"),
                {"start": "14:00", "end": "17:00:00"},  # HH:MM:SS as get shows it: trimmed
                ("18:00", "19:30"),
            ],
            timezone="America/New_York",
            initial_call_delay=0,
            contact_max_retries=3,
            retry_cooldown_hours=24,
            enable_post_completion_cooldown=True,
            post_completion_cooldown_hours=168,
            success_cooldown_hours=168,
            voicemail_cooldown_hours=24,
            no_answer_cooldown_hours=12,
            busy_cooldown_hours=6,
            failed_cooldown_hours=48,
            do_not_call_enabled=True,
            do_not_call_list_source="custom",
            extra_body={"auto_complete": True},
        )
    assert rec.last.method == "POST" and rec.path() == "/api/v1/campaigns"
    assert rec.body() == {
        "name": "Q1 Sales Campaign",
        "description": "Outbound sales calls",
        "campaign_type": "sales",
        "agent_id": AGENT_ID,
        "start_date": "2024-01-15",
        "end_date": "2024-03-31",
        "days_of_week": [1, 2, 3, 4, 5],
        "call_time_ranges": [
            {"start": "09:00", "end": "12:00"},
            {"start": "14:00", "end": "17:00"},
            {"start": "18:00", "end": "19:30"},
        ],
        "timezone": "America/New_York",
        "initial_call_delay": 0,
        "max_retries": 3,
        "retry_cooldown_hours": 24,
        "enable_post_completion_cooldown": True,
        "post_completion_cooldown_hours": 168,
        "success_cooldown_hours": 168,
        "voicemail_cooldown_hours": 24,
        "no_answer_cooldown_hours": 12,
        "busy_cooldown_hours": 6,
        "failed_cooldown_hours": 48,
        "do_not_call_enabled": True,
        "do_not_call_list_source": "custom",
        "auto_complete": True,
    }
    assert campaign.status is CampaignStatus.DRAFT and campaign.end_date is None
    assert campaign.time_windows == [
        CallTimeRange(start="09:00", end="12:00"),
        CallTimeRange(start="14:00", end="17:00"),
    ]


async def test_create_minimal_body() -> None:
    rec = Recorder(ok(CREATED))
    async with client_for(rec) as client:
        await client.campaigns.create(
            name="n",
            campaign_type="reminder",
            agent_id=AGENT_ID,
            start_date="2024-01-15",
            days_of_week=[7],
            call_time_ranges=[("09:00", "17:00")],
        )
    assert rec.body() == {
        "name": "n",
        "campaign_type": "reminder",
        "agent_id": AGENT_ID,
        "start_date": "2024-01-15",
        "days_of_week": [7],
        "call_time_ranges": [{"start": "09:00", "end": "17:00"}],
    }


async def test_update_is_partial_and_can_clear_the_end_date() -> None:
    rec = Recorder(ok(UPDATED), ok({**UPDATED, "end_date": None}))
    async with client_for(rec) as client:
        updated = await client.campaigns.update(CAMPAIGN_ID, name="Renamed", end_date="2024-03-31")
        cleared = await client.campaigns.update(CAMPAIGN_ID, clear_end_date=True)
    assert rec.requests[0].method == "PUT" and rec.path(0) == f"/api/v1/campaigns/{CAMPAIGN_ID}"
    assert rec.body(0) == {"name": "Renamed", "end_date": "2024-03-31"}
    assert rec.body(1) == {"end_date": None}
    assert updated.name == "Renamed" and updated.end_date == date(2024, 3, 31)
    assert updated.description is None and updated.created_at is None  # partial response
    assert cleared.end_date is None


async def test_update_conflict_with_active_calls() -> None:
    rec = Recorder((409, {"success": False, "message": "Campaign has active calls in progress"}))
    async with client_for(rec) as client:
        with pytest.raises(ConflictError) as info:
            await client.campaigns.update(CAMPAIGN_ID, agent_id="other-agent")
    assert "active calls" in info.value.message


# --- delete / status --------------------------------------------------------------------


async def test_delete_returns_ack() -> None:
    rec = Recorder((200, {"success": True, "message": "Campaign deleted successfully"}))
    async with client_for(rec) as client:
        ack = await client.campaigns.delete(CAMPAIGN_ID)
    assert rec.last.method == "DELETE" and rec.path() == f"/api/v1/campaigns/{CAMPAIGN_ID}"
    assert ack == Ack(success=True, message="Campaign deleted successfully")


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            403,
            {"success": False, "message": "Cannot delete active campaign"},
            PermissionDeniedError,
        ),
        (
            409,
            {"success": False, "message": "Campaign has active calls in progress"},
            ConflictError,
        ),
    ],
)
async def test_delete_refusals(status: int, body: dict[str, Any], error: type[Exception]) -> None:
    rec = Recorder((status, body))
    async with client_for(rec) as client:
        with pytest.raises(error) as info:
            await client.campaigns.delete(CAMPAIGN_ID)
    assert str(body["message"]) in str(info.value)
    assert len(rec.requests) == 1  # DELETE is safe, but 403/409 are not retryable


async def test_update_status_sends_status_and_decodes_partial_campaign() -> None:
    data = {"id": CAMPAIGN_ID, "status": "cancelled", "updated_at": TS}
    rec = Recorder(ok(data, "Campaign status updated successfully"))
    async with client_for(rec) as client:
        campaign = await client.campaigns.update_status(CAMPAIGN_ID, CampaignStatus.CANCELLED)
    assert rec.last.method == "PATCH" and rec.path() == f"/api/v1/campaigns/{CAMPAIGN_ID}/status"
    assert rec.body() == {"status": "cancelled"}
    assert campaign.status is CampaignStatus.CANCELLED and campaign.name is None


async def test_invalid_transition_is_a_bad_request_with_its_code() -> None:
    body = {
        "success": False,
        "message": "Cannot change status from completed to active",
        "code": "INVALID_TRANSITION",
    }
    rec = Recorder((400, body))
    async with client_for(rec) as client:
        with pytest.raises(BadRequestError) as info:
            await client.campaigns.update_status(CAMPAIGN_ID, "active")
    assert info.value.code == "INVALID_TRANSITION"


def test_status_transition_table() -> None:
    S = CampaignStatus
    assert S.DRAFT.next_statuses == {S.ACTIVE, S.CANCELLED}
    assert S.ACTIVE.next_statuses == {S.PAUSED, S.COMPLETED, S.CANCELLED}
    assert S.PAUSED.next_statuses == {S.ACTIVE, S.COMPLETED, S.CANCELLED}
    assert S.COMPLETED.is_final and S.CANCELLED.is_final and not S.PAUSED.is_final
    assert all(S.DRAFT not in s.next_statuses for s in S)  # nothing leads back to draft


# --- campaign call ----------------------------------------------------------------------


async def test_call_sends_body_and_decodes_the_bare_201() -> None:
    rec = Recorder((201, QUEUED))
    async with client_for(rec) as client:
        result = await client.campaigns.call(
            CAMPAIGN_ID,
            to=TO,
            payload={"first_name": "Ana"},
            context={"crm_id": 42},
            is_testing=True,
            allow_duplicates=False,
        )
    assert rec.last.method == "POST" and rec.path() == f"/api/v1/campaigns/{CAMPAIGN_ID}/call"
    assert rec.body() == {
        "to": TO,
        "payload": {"first_name": "Ana"},
        "context": {"crm_id": 42},
        "is_testing": True,
        "allow_duplicates": False,
    }
    assert isinstance(result, CampaignCallResult) and not result.deduplicated
    assert result.campaign_call.status is CallStatus.QUEUED
    assert (
        result.campaign_call.scheduled_at is not None
        and result.campaign_call.scheduled_at.hour == 14
    )
    assert result.campaign is not None and result.campaign.status is CampaignStatus.ACTIVE


async def test_call_minimal_body_omits_defaults() -> None:
    rec = Recorder((201, QUEUED))
    async with client_for(rec) as client:
        await client.campaigns.call(CAMPAIGN_ID, to=TO, payload=None, context=None, is_testing=None)
    assert rec.body() == {"to": TO}


async def test_duplicate_409_is_a_typed_conflict_with_the_existing_call() -> None:
    rec = Recorder((409, DUPLICATE))
    async with client_for(rec) as client:
        with pytest.raises(DuplicateCallError) as info:
            await client.campaigns.call(CAMPAIGN_ID, to=TO)
    err = info.value
    assert isinstance(err, ConflictError) and err.status_code == 409 and err.code == "CONFLICT"
    assert err.existing_call == structure(QUEUED["campaign_call"], CampaignCall)
    assert len(rec.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        {
            "success": False,
            "error": {
                "code": "CONFLICT",
                "message": "dup",
                "details": {"campaign_call": QUEUED["campaign_call"]},
            },
        },
        {"success": False, "message": "dup", "details": QUEUED["campaign_call"]},
        {"success": False, "message": "dup", "existing_call": QUEUED["campaign_call"]},
    ],
)
async def test_duplicate_409_existing_call_is_found_in_other_shapes(body: dict[str, Any]) -> None:
    rec = Recorder((409, body))
    async with client_for(rec) as client:
        with pytest.raises(DuplicateCallError) as info:
            await client.campaigns.call(CAMPAIGN_ID, to=TO)
    assert info.value.existing_call is not None and info.value.existing_call.id == "cc-uuid-1"


@pytest.mark.parametrize(
    ("body", "kwargs"),
    [
        # no existing call in the body: some other conflict (e.g. a cancelled campaign)
        ({"success": False, "message": "Campaign is cancelled", "code": "CONFLICT"}, {}),
        # an existing call for another number is not a duplicate of this one
        (
            {
                **DUPLICATE,
                "data": {"existing_call": {**QUEUED["campaign_call"], "to": "+14155550999"}},
            },
            {},
        ),
        # duplicates were allowed: whatever the 409 is, it is not the duplicate rule
        (DUPLICATE, {"allow_duplicates": True}),
    ],
)
async def test_other_409s_stay_plain_conflicts(
    body: dict[str, Any], kwargs: dict[str, Any]
) -> None:
    rec = Recorder((409, body))
    async with client_for(rec) as client:
        with pytest.raises(ConflictError) as info:
            await client.campaigns.call(CAMPAIGN_ID, to=TO, **kwargs)
    assert type(info.value) is ConflictError


# --- campaign-call retries (docs/campaign-calls.md) -------------------------------------


@pytest.mark.usefixtures("no_backoff")
async def test_call_is_retried_when_the_request_never_left() -> None:
    rec = Recorder(ConnectionRefusedError, (201, QUEUED))
    async with client_for(rec) as client:
        result = await client.campaigns.call(CAMPAIGN_ID, to=TO)
    assert len(rec.requests) == 2 and not result.deduplicated


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.parametrize(
    "first",
    [
        ConnectionRefusedError,
        Response(429, {"Retry-After": "0"}, b'{"message": "Too Many Requests"}'),
    ],
)
async def test_409_on_a_safe_retry_is_a_real_duplicate(first: Any) -> None:
    """The first attempt cannot have been processed (never sent, or refused with 429): a 409
    on the retry comes from an earlier call and is raised as is."""
    rec = Recorder(first, (409, DUPLICATE))
    async with client_for(rec) as client:
        with pytest.raises(DuplicateCallError) as info:
            await client.campaigns.call(CAMPAIGN_ID, to=TO)
    assert len(rec.requests) == 2 and len(info.value.attempts) == 2


@pytest.mark.parametrize(
    ("first", "error"),
    [
        (ConnectionResetError, APIConnectionError),
        (TimeoutError, APIConnectionError),
        ((502, {"success": False, "message": "Bad gateway"}), InternalServerError),
    ],
)
async def test_ambiguous_failure_is_not_retried_by_default(
    first: Any, error: type[Exception]
) -> None:
    rec = Recorder(first, (201, QUEUED))
    async with client_for(rec, max_retries=3) as client:
        with pytest.raises(error) as info:
            await client.campaigns.call(CAMPAIGN_ID, to=TO)
    assert len(rec.requests) == 1
    if isinstance(info.value, APIConnectionError):
        assert info.value.sent is True


async def test_re_placing_after_an_ambiguous_failure_is_guarded_by_the_duplicate_rule() -> None:
    """The documented recipe: after `sent=True`, place the call again with allow_duplicates
    false; a 409 duplicate says the first attempt did queue it."""
    rec = Recorder(ConnectionResetError, (409, DUPLICATE))
    async with client_for(rec) as client:
        with pytest.raises(APIConnectionError):
            await client.campaigns.call(CAMPAIGN_ID, to=TO)
        with pytest.raises(DuplicateCallError) as info:
            await client.campaigns.call(CAMPAIGN_ID, to=TO)
    assert info.value.existing_call is not None and info.value.existing_call.id == "cc-uuid-1"


@pytest.mark.usefixtures("no_backoff")
@pytest.mark.parametrize(
    "first",
    [ConnectionResetError, TimeoutError, (502, {"success": False, "message": "Bad gateway"})],
)
async def test_retry_ambiguous_reads_a_409_duplicate_as_already_queued(first: Any) -> None:
    rec = Recorder(first, (409, DUPLICATE))
    async with client_for(rec) as client:
        result = await client.campaigns.call(CAMPAIGN_ID, to=TO, retry_ambiguous=True)
    assert len(rec.requests) == 2 and rec.body(0) == rec.body(1) == {"to": TO}
    assert result.deduplicated and result.campaign is None
    assert result.campaign_call.id == "cc-uuid-1" and result.campaign_call.to == TO


@pytest.mark.usefixtures("no_backoff")
async def test_retry_ambiguous_success_on_the_re_send() -> None:
    rec = Recorder(ConnectionResetError, (201, QUEUED))
    async with client_for(rec) as client:
        result = await client.campaigns.call(CAMPAIGN_ID, to=TO, retry_ambiguous=True)
    assert len(rec.requests) == 2 and not result.deduplicated
    assert OPERATIONS["campaigns.call"].safe is False  # the registered operation is unchanged


@pytest.mark.usefixtures("no_backoff")
async def test_retry_ambiguous_still_raises_a_first_attempt_duplicate() -> None:
    rec = Recorder((409, DUPLICATE))
    async with client_for(rec) as client:
        with pytest.raises(DuplicateCallError):
            await client.campaigns.call(CAMPAIGN_ID, to=TO, retry_ambiguous=True)
    assert len(rec.requests) == 1


@pytest.mark.usefixtures("no_backoff")
async def test_retry_ambiguous_409_after_429_only_is_a_real_duplicate() -> None:
    rec = Recorder(Response(429, {"Retry-After": "0"}, b"{}"), (409, DUPLICATE))
    async with client_for(rec) as client:
        with pytest.raises(DuplicateCallError):
            await client.campaigns.call(CAMPAIGN_ID, to=TO, retry_ambiguous=True)


@pytest.mark.usefixtures("no_backoff")
async def test_retry_ambiguous_respects_max_retries() -> None:
    rec = Recorder(ConnectionResetError)
    async with client_for(rec) as client:
        with pytest.raises(APIConnectionError):
            await client.campaigns.call(CAMPAIGN_ID, to=TO, retry_ambiguous=True, max_retries=1)
    assert len(rec.requests) == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"allow_duplicates": True},
        {"extra_body": {"allow_duplicates": True}},
        {"retry_ambiguous": "yes"},
    ],
)
async def test_retry_ambiguous_needs_the_duplicate_guard(kwargs: dict[str, Any]) -> None:
    rec = Recorder((201, QUEUED))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.campaigns.call(CAMPAIGN_ID, to=TO, **{"retry_ambiguous": True, **kwargs})
    assert info.value.field == "retry_ambiguous"
    assert rec.requests == []


# --- traps of calls-campaigns.md §4 ------------------------------------------------------


def test_schedule_both_forms_decode_to_the_same_windows() -> None:
    listed: Campaign = structure(
        {**LIST_ITEM, "earliest_call_time": "09:00:00", "latest_call_time": "17:00:00"},
        Campaign,
        strict=True,
    )
    created: Campaign = structure(
        {**CREATED, "call_time_ranges": [{"start": "09:00", "end": "17:00"}]}, Campaign, strict=True
    )
    assert (
        listed.time_windows == created.time_windows == [CallTimeRange(start="09:00", end="17:00")]
    )
    assert structure({"id": "x"}, Campaign, strict=True).time_windows == []


def test_no_answer_spellings() -> None:
    summary: CampaignCallSummary = structure(
        {**FULL["calls"][0], "status": "no_answer"}, CampaignCallSummary
    )
    assert summary.status == "no_answer"  # unknown spelling kept as is (lenient)
    assert summary.normalized_status is CallStatus.NO_ANSWER
    hyphen: CampaignCall = structure(
        {**QUEUED["campaign_call"], "status": "no-answer"}, CampaignCall, strict=True
    )
    assert hyphen.normalized_status is CallStatus.NO_ANSWER


async def test_cancelled_status_spelling() -> None:
    rec = Recorder(ok({"id": CAMPAIGN_ID, "status": "cancelled", "updated_at": TS}))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError):
            await client.campaigns.update_status(CAMPAIGN_ID, "canceled")
        await client.campaigns.update_status(CAMPAIGN_ID, "cancelled")
    assert len(rec.requests) == 1


def test_unknown_values_survive_lenient_decoding() -> None:
    campaign: Campaign = structure(
        {**LIST_ITEM, "status": "archived", "campaign_type": "survey", "auto_complete": True},
        Campaign,
    )
    assert campaign.status == "archived" and campaign.campaign_type == "survey"
    assert campaign.extra == {"auto_complete": True}


# --- argument rules, all checked before any request -------------------------------------

CREATE_OK: dict[str, Any] = {
    "name": "n",
    "campaign_type": "sales",
    "agent_id": AGENT_ID,
    "start_date": "2024-01-15",
    "days_of_week": [1],
    "call_time_ranges": [{"start": "09:00", "end": "17:00"}],
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "name"),
        ({"campaign_type": None}, "campaign_type"),
        ({"agent_id": None}, "agent_id"),
        ({"start_date": None}, "start_date"),
        ({"days_of_week": None}, "days_of_week"),
        ({"call_time_ranges": None}, "call_time_ranges"),
        ({"name": "x" * 256}, "name"),
        ({"name": ""}, "name"),
        ({"campaign_type": "marketing"}, "campaign_type"),
        ({"start_date": "15/01/2024"}, "start_date"),
        ({"start_date": "2024-02-30"}, "start_date"),
        ({"end_date": "2024-01-15"}, "end_date"),  # must be after start, not equal
        ({"end_date": "2024-01-14"}, "end_date"),
        ({"days_of_week": []}, "days_of_week"),
        ({"days_of_week": [0]}, "days_of_week[0]"),
        ({"days_of_week": [1, 8]}, "days_of_week[1]"),
        ({"days_of_week": ["mon"]}, "days_of_week"),
        ({"days_of_week": [True]}, "days_of_week"),
        ({"call_time_ranges": []}, "call_time_ranges"),
        ({"call_time_ranges": {"start": "09:00", "end": "17:00"}}, "call_time_ranges"),
        ({"call_time_ranges": [{"start": "17:00", "end": "09:00"}]}, "call_time_ranges[0].end"),
        ({"call_time_ranges": [{"start": "09:00", "end": "09:00"}]}, "call_time_ranges[0].end"),
        ({"call_time_ranges": [{"start": "9:00", "end": "17:00"}]}, "call_time_ranges[0].start"),
        ({"call_time_ranges": [{"start": "09:00", "end": "24:00"}]}, "call_time_ranges[0].end"),
        (
            {"call_time_ranges": [{"start": "09:00:30", "end": "17:00"}]},
            "call_time_ranges[0].start",
        ),
        ({"call_time_ranges": [{"start": "09:00"}]}, "call_time_ranges[0]"),
        ({"call_time_ranges": [("09:00", "10:00", "11:00")]}, "call_time_ranges[0]"),
        ({"timezone": "x" * 51}, "timezone"),
        ({"initial_call_delay": -1}, "initial_call_delay"),
        ({"contact_max_retries": 11}, "contact_max_retries"),
        ({"retry_cooldown_hours": 0}, "retry_cooldown_hours"),
        ({"retry_cooldown_hours": 169}, "retry_cooldown_hours"),
        ({"no_answer_cooldown_hours": 0}, "no_answer_cooldown_hours"),
        ({"post_completion_cooldown_hours": 200}, "post_completion_cooldown_hours"),
        ({"do_not_call_enabled": "yes"}, "do_not_call_enabled"),
        ({"do_not_call_list_source": "local"}, "do_not_call_list_source"),
    ],
)
async def test_create_rejects_before_io(change: dict[str, Any], field: str) -> None:
    rec = Recorder(ok(CREATED))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await client.campaigns.create(**{**CREATE_OK, **change})
    assert info.value.field == field
    assert rec.requests == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.campaigns.update(CAMPAIGN_ID), "update"),
        (
            lambda c: c.campaigns.update(CAMPAIGN_ID, end_date="2024-01-01", clear_end_date=True),
            "end_date",
        ),
        (
            lambda c: c.campaigns.update(
                CAMPAIGN_ID, start_date="2024-02-01", end_date="2024-01-01"
            ),
            "end_date",
        ),
        (lambda c: c.campaigns.update(CAMPAIGN_ID, days_of_week=[0]), "days_of_week[0]"),
        (
            lambda c: c.campaigns.update(CAMPAIGN_ID, call_time_ranges=[("10:00", "09:59")]),
            "call_time_ranges[0].end",
        ),
        (lambda c: c.campaigns.update("", name="n"), "campaign_id"),
        (lambda c: c.campaigns.update_status(CAMPAIGN_ID, "running"), "status"),
        (
            lambda c: c.campaigns.call(CAMPAIGN_ID, to="+0987654321"),
            "to",
        ),  # the docs' example number
        (lambda c: c.campaigns.call(CAMPAIGN_ID, to="14155550100"), "to"),
        (lambda c: c.campaigns.call(CAMPAIGN_ID, to="+1 415 555 0100"), "to"),
        (lambda c: c.campaigns.call(CAMPAIGN_ID, to=TO, payload=["x"]), "payload"),
        (lambda c: c.campaigns.call(CAMPAIGN_ID, to=TO, context="x"), "context"),
        (lambda c: c.campaigns.call(CAMPAIGN_ID, to=TO, is_testing=1), "is_testing"),
        (lambda c: c.campaigns.call(CAMPAIGN_ID, to=TO, allow_duplicates="no"), "allow_duplicates"),
        (lambda c: c.campaigns.call("..", to=TO), "campaign_id"),
    ],
)
async def test_other_methods_reject_before_io(
    call: Callable[[AsyncTalkover], Any], field: str
) -> None:
    rec = Recorder(ok(UPDATED))
    async with client_for(rec) as client:
        with pytest.raises(InvalidRequestError) as info:
            await call(client)
    assert info.value.field == field
    assert rec.requests == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"status": "running"}, "status"),
        ({"campaign_type": "x"}, "campaign_type"),
        ({"date_from": "2024-13-01"}, "date_from"),
        ({"date_from": "2024-02-01", "date_to": "2024-01-01"}, "date_to"),
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": 0}, "page"),
    ],
)
def test_list_rejects_before_io(kwargs: dict[str, Any], field: str) -> None:
    rec = Recorder(ok([]))
    client = client_for(rec)
    with pytest.raises(InvalidRequestError) as info:
        client.campaigns.list(**kwargs)
    assert info.value.field == field
    assert rec.requests == []


# --- registry / decode ------------------------------------------------------------------


def test_operations_and_decode() -> None:
    ops = {
        name: op
        for name, op in OPERATIONS.items()
        if name.startswith("campaigns.") and name.count(".") == 1
    }
    assert {(op.method, op.path, op.safe) for op in ops.values()} == {
        ("GET", "/campaigns", True),
        ("GET", "/campaigns/{campaign_id}", True),
        ("POST", "/campaigns", False),
        ("PUT", "/campaigns/{campaign_id}", True),
        ("DELETE", "/campaigns/{campaign_id}", True),
        ("PATCH", "/campaigns/{campaign_id}/status", True),
        ("POST", "/campaigns/{campaign_id}/call", False),
    }
    result = decode("campaigns.call", 201, json.dumps(QUEUED), strict=True)
    assert isinstance(result, CampaignCallResult) and result.campaign_call.id == "cc-uuid-1"
    page = decode(
        "campaigns.list",
        200,
        json.dumps(
            {
                "success": True,
                "data": [LIST_ITEM],
                "pagination": {"current_page": 2, "last_page": 2, "per_page": 20, "total": 21},
            }
        ),
        strict=True,
    )
    assert page.current_page == 2 and not page.has_next and page.items[0].id == CAMPAIGN_ID
    with pytest.raises(ConflictError):
        decode("campaigns.call", 409, json.dumps(DUPLICATE))


def test_resource_wiring() -> None:
    client = AsyncTalkover("talq_test", env={})
    assert type(client.campaigns).__slots__ == ("sftp", "webhooks")
    assert type(client.campaigns.webhooks).__name__ == "CampaignWebhooksResource"
    assert type(client.campaigns.sftp).__name__ == "CampaignSftpResource"


# --- end to end against the in-memory fake (strict decoding of what it serves) ----------


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_campaign_lifecycle_against_the_fake() -> None:
    from talkover_async.testing import FakeTalkover

    fake = FakeTalkover("talq_fake_campaigns_0001", seed=3)
    agent_id = fake.seed_agent().id
    transport = MockTransport(fake)
    async with AsyncTalkover(
        "talq_fake_campaigns_0001", transport=transport, env={}, strict=True
    ) as client:
        created = await client.campaigns.create(
            name="Spring",
            campaign_type=CampaignType.FOLLOW_UP,
            agent_id=agent_id,
            start_date="2024-01-15",
            end_date="2024-02-15",
            days_of_week=[Weekday.MONDAY, Weekday.WEDNESDAY],
            call_time_ranges=[("09:00", "12:00"), ("14:00", "17:30")],
            timezone="Europe/London",
            no_answer_cooldown_hours=12,
        )
        assert created.status is CampaignStatus.DRAFT
        got = await client.campaigns.get(created.id)
        assert got.no_answer_cooldown_hours == 12
        assert got.time_windows == [CallTimeRange(start="09:00", end="17:30")]  # outer bound
        listed = await client.campaigns.list(campaign_type="follow_up")
        assert [c.id for c in listed.items] == [created.id] and listed.total == 1
        await client.campaigns.update_status(created.id, "active")
        with pytest.raises(BadRequestError) as bad:
            await client.campaigns.update_status(created.id, "draft")
        # the page lists INVALID_TRANSITION without showing a body: with or without the code
        assert bad.value.code in (None, "INVALID_TRANSITION") and bad.value.status_code == 400
        first = await client.campaigns.call(created.id, to=TO)
        assert first.campaign_call.to == TO and first.campaign is not None
        with pytest.raises(DuplicateCallError) as dup:
            await client.campaigns.call(created.id, to=TO)
        assert dup.value.existing_call is not None
        assert dup.value.existing_call.id == first.campaign_call.id
        again = await client.campaigns.call(created.id, to=TO, allow_duplicates=True)
        assert again.campaign_call.id != first.campaign_call.id
        with pytest.raises(PermissionDeniedError):
            await client.campaigns.delete(created.id)
        await client.campaigns.update_status(created.id, "cancelled")
        updated = await client.campaigns.update(created.id, name="Spring 2", clear_end_date=True)
        assert updated.end_date is None and updated.name == "Spring 2"
        assert (
            await client.campaigns.delete(created.id)
        ).message == "Campaign deleted successfully"
