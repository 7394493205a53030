"""The converter (lenient and strict) and the paginator over every pagination shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import cattrs
import pytest

from talkover_async import Agent, Call, CallStatus, Page, ResponseDecodeError
from talkover_async.serde import structure, unstructure

from .conftest import reply


def test_both_timestamp_forms_are_timezone_aware() -> None:
    a = structure({"id": "a", "created_at": "2024-01-15T10:30:00Z", "updated_at": "2025-09-03T23:19:51.000000Z"}, Agent)
    assert a.created_at == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert a.updated_at == datetime(2025, 9, 3, 23, 19, 51, tzinfo=UTC)


def test_lenient_keeps_unknown_keys_and_enum_values_round_trip() -> None:
    data = {
        "id": "c1",
        "status": "voicemail",
        "from": "+14155550100",
        "brand_new_field": {"nested": [1, 2]},
        "created_at": "2024-01-15T10:30:00Z",
    }
    call = structure(data, Call)
    assert call.status == "voicemail" and not isinstance(call.status, CallStatus)
    assert call.extra == {"brand_new_field": {"nested": [1, 2]}}
    assert unstructure(call) == data
    assert structure(unstructure(call), Call) == call


def test_known_enum_values_become_members() -> None:
    assert structure({"id": "c", "status": "no-answer"}, Call).status is CallStatus.NO_ANSWER
    assert CallStatus.parse("no_answer") is CallStatus.NO_ANSWER


@pytest.mark.parametrize(
    "data",
    [{"id": "c", "unknown": 1}, {"id": "c", "status": "voicemail"}],
)
def test_strict_rejects_unknown_keys_and_enum_values(data: dict[str, Any]) -> None:
    with pytest.raises(cattrs.BaseValidationError):
        structure(data, Call, strict=True)


@pytest.mark.parametrize(
    "data",
    [{"id": {"x": 1}}, {"id": "c", "duration": "twelve"}, {"id": "c", "is_testing": "maybe"}, {"id": "c", "created_at": 5}],
)
def test_wrong_types_fail(data: dict[str, Any]) -> None:
    with pytest.raises((TypeError, ValueError)):
        structure(data, Call)


def page_body(items: list[dict[str, Any]], shape: str, page: int, last: int, per_page: int, total: int) -> dict[str, Any]:
    if shape == "pagination":
        return {"success": True, "data": items, "pagination": {"current_page": page, "last_page": last, "per_page": per_page, "total": total, "from": 1, "to": 2}}
    if shape == "meta":
        return {"success": True, "data": items, "meta": {"current_page": page, "per_page": per_page, "total": total, "last_page": last}}
    return {"success": True, "data": items, "pagination": {"current_page": page, "per_page": per_page, "total": total}}


@pytest.mark.parametrize("shape", ["pagination", "meta", "short"])
async def test_paginator_walks_every_shape_and_keeps_filters(server, make_client, shape) -> None:
    pages = [
        [{"id": "c1"}, {"id": "c2"}],
        [{"id": "c3"}, {"id": "c4"}],
        [{"id": "c5"}],
    ]
    server.on(
        "GET",
        "/api/v1/calls",
        *[reply(200, page_body(items, shape, i + 1, 3, 2, 5)) for i, items in enumerate(pages)],
    )
    async with make_client() as client:
        ids = [c.id async for c in client.calls.list(status="completed", per_page=2, date_from="2024-01-01")]
    assert ids == ["c1", "c2", "c3", "c4", "c5"]
    assert [s.query.get("page") for s in server.seen] == ["1", "2", "3"]
    assert all(s.query["status"] == "completed" and s.query["per_page"] == "2" for s in server.seen)
    assert all(s.query["date_from"] == "2024-01-01" for s in server.seen)


async def test_await_gives_first_page_and_pages_iterates(server, make_client) -> None:
    server.on(
        "GET",
        "/api/v1/agents",
        reply(200, page_body([{"id": "a1"}], "meta", 1, 2, 1, 2)),
        reply(200, page_body([{"id": "a2"}], "meta", 2, 2, 1, 2)),
    )
    async with make_client() as client:
        first = await client.agents.list(per_page=1)
        assert isinstance(first, Page) and first.has_next and [a.id for a in first] == ["a1"]
        assert first.total == 2 and first.per_page == 1 and first.current_page == 1
        server.on(
            "GET",
            "/api/v1/agents",
            reply(200, page_body([{"id": "a1"}], "meta", 1, 2, 1, 2)),
            reply(200, page_body([{"id": "a2"}], "meta", 2, 2, 1, 2)),
        )
        pages = [p async for p in client.agents.list(per_page=1).pages()]
    assert [len(p) for p in pages] == [1, 1] and not pages[-1].has_next


async def test_plain_array_is_one_page(server, make_client) -> None:
    server.on("GET", "/api/v1/calls", reply(200, {"success": True, "data": [{"id": "c1"}, {"id": "c2"}]}))
    async with make_client() as client:
        ids = [c.id async for c in client.calls.list()]
    assert ids == ["c1", "c2"] and server.count("GET", "/api/v1/calls") == 1


async def test_paginator_stops_on_empty_page_and_on_a_server_ignoring_page(server, make_client) -> None:
    server.on(
        "GET",
        "/api/v1/calls",
        reply(200, page_body([{"id": "c1"}], "pagination", 1, 9, 1, 9)),
        reply(200, page_body([], "pagination", 2, 9, 1, 9)),
    )
    async with make_client() as client:
        assert [c.id async for c in client.calls.list()] == ["c1"]
    server.seen.clear()
    server.on("GET", "/api/v1/calls", reply(200, page_body([{"id": "c1"}], "pagination", 1, 9, 1, 9)))
    async with make_client() as client:
        assert [c.id async for c in client.calls.list()] == ["c1"]
    assert server.count("GET", "/api/v1/calls") == 2


async def test_malformed_page_raises_decode_error(server, make_client) -> None:
    server.on("GET", "/api/v1/calls", reply(200, {"success": True, "data": {"not": "a list"}, "pagination": {}}))
    async with make_client() as client:
        with pytest.raises(ResponseDecodeError):
            await client.calls.list()


def test_decode_errors_name_the_failing_path() -> None:
    # Decoding runs without cattrs' detailed validation; the message still says where.
    from talkover_async.operations import decode
    from talkover_async.serde import explain

    page = {
        "success": True,
        "data": [{"id": "a"}, {"id": "b", "created_at": "not a date"}, {"to": "+1"}],
        "pagination": {"current_page": 1, "last_page": 1},
    }
    with pytest.raises(ResponseDecodeError) as info:
        decode("calls.list", 200, json.dumps(page))
    assert "data[1].created_at" in str(info.value)
    assert "required field missing @ data[2].id" in str(info.value)
    with pytest.raises(ResponseDecodeError) as single:
        decode("agents.call", 200, b'{"success": true, "data": {"to": "+14155550100"}}')
    assert "required field missing @ data.id" in str(single.value)
    assert explain({"id": "c1"}, Call) == []  # fits: nothing to explain


def test_a_list_endpoint_given_an_object_says_it_expected_an_array() -> None:
    from talkover_async.operations import decode

    with pytest.raises(ResponseDecodeError, match="expected a JSON array of items, got dict"):
        decode("calls.list", 200, b'{"success": true, "data": {"id": "a"}}')


def test_a_number_too_large_for_a_float_is_a_decode_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # The standard-library parser (no orjson) accepts a 400-digit integer; float() of it
    # raises OverflowError, which must not escape raw.
    import talkover_async._json
    from talkover_async.operations import decode

    monkeypatch.setattr(talkover_async._json, "loads", json.loads)
    huge = "9" * 400
    voice = '{"id": "a1", "voice": {"stability": ' + huge + "}}"
    for op, body in [
        ("agents.get", '{"success": true, "data": ' + voice + "}"),
        ("agents.list", '{"success": true, "data": [' + voice + "]}"),
    ]:
        with pytest.raises(ResponseDecodeError, match="stability"):
            decode(op, 200, body)
