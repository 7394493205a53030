"""The health check (overview.md §2.4): any 2xx JSON or empty body, and its errors."""

from __future__ import annotations

from typing import Any

import pytest

from talkover_async import (
    InternalServerError,
    ResponseDecodeError,
)
from talkover_async.models.health import HealthStatus

from .account_api import API, ENV_TOKEN, client_for
from .recorder import Recorder


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"status": "ok"}, HealthStatus(status="ok")),
        (b"", HealthStatus()),
        ({"success": True, "message": "OK"}, HealthStatus(success=True, message="OK")),
        (
            {"success": True, "data": {"status": "healthy", "version": "2.1"}},
            HealthStatus(
                status="healthy",
                success=True,
                extra={"data": {"status": "healthy", "version": "2.1"}},
            ),
        ),
        ({"status": 200, "db": "up"}, HealthStatus(extra={"status": 200, "db": "up"})),
        ("ok", HealthStatus(extra={"body": "ok"})),
        ([1], HealthStatus(extra={"body": [1]})),
    ],
)
async def test_health_accepts_any_2xx_json_or_empty(body: Any, expected: HealthStatus) -> None:
    rec = Recorder((200, body))
    async with client_for(rec) as client:
        status = await client.health.get()
    assert rec.last.method == "GET" and rec.last.url == f"{API}/health"
    assert rec.auth() == f"Bearer {ENV_TOKEN}"
    assert status == expected


async def test_health_rejects_non_json_and_raises_errors() -> None:
    rec = Recorder((200, b"<html>up</html>"), (503, {"message": "down"}))
    async with client_for(rec, max_retries=0) as client:
        with pytest.raises(ResponseDecodeError):
            await client.health.get()
        with pytest.raises(InternalServerError):
            await client.health.get()
