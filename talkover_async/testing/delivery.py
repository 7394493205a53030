"""Webhook deliveries: signed POSTs to loopback receivers (or an in-process sink), retried per
`max_retries`, each attempt kept as a delivery log that the logs endpoints serve.

Only `127.0.0.1` / `localhost` / `::1` URLs are contacted: anything else is logged as a failed
attempt and never sent, so a test can never reach the internet. With `fake.webhook_sink` set,
every delivery goes to that callable instead of the network.

Headers sent (names are the fake's choice; the vendor documents none): `Content-Type:
application/json`, `X-Talkover-Event`, `X-Talkover-Delivery-Id` (the event id, identical across
retries so receivers can drop repeats), `X-Talkover-Attempt`, and `X-Talkover-Signature` (hex
HMAC-SHA256 of the raw body keyed by `webhook_secret`) when a secret is set; plus the webhook's
`custom_headers`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp

from .. import _json
from .shaping import header_casing, shape_payload
from .state import DeliveryLog, Webhook

if TYPE_CHECKING:
    from .fake import FakeTalkover

__all__ = ["LOOPBACK_HOSTS", "SIGNATURE_HEADER", "Deliverer", "WebhookSink", "sign"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The signature header the fake sends (`webhooks.delivery_headers` in `unknowns.py`). The fake
#: signs on its own, not with `talkover_async.webhooks`, so that it disagrees when the SDK's
#: verification is wrong.
SIGNATURE_HEADER = "X-Talkover-Signature"


def sign(raw_body: bytes, secret: str) -> str:
    """The lowercase hex HMAC-SHA256 of `raw_body` keyed with `secret` (UTF-8)."""
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()

# An in-process receiver: `(url, headers, body) -> HTTP status` (or `(status, response_text)`).
WebhookSink = Callable[[str, Mapping[str, str], bytes], Awaitable[int | tuple[int, str]]]
_RESPONSE_BODY_LIMIT = 2000


class _Refused(Exception):
    """A delivery that was not attempted (non-loopback URL)."""


class Deliverer:
    """Queues events for webhooks and delivers them when the fake's time advances."""

    def __init__(self, fake: FakeTalkover) -> None:
        self.fake = fake
        self.outbox: list[tuple[Webhook, dict[str, Any]]] = []

    def queue(self, hook: Webhook, payload: dict[str, Any]) -> None:
        """Deliver `payload` to `hook` on the next flush."""
        self.outbox.append((hook, payload))

    async def flush(self) -> list[DeliveryLog]:
        """Deliver everything queued (with retries); the attempts made, in order."""
        batch, self.outbox = self.outbox, []
        logs: list[DeliveryLog] = []
        if not batch:
            return logs
        async with aiohttp.ClientSession() as session:
            for hook, payload in batch:
                logs.extend(await self.deliver(hook, payload, session=session))
        return logs

    async def deliver(
        self,
        hook: Webhook,
        payload: dict[str, Any],
        *,
        session: aiohttp.ClientSession | None = None,
        first_attempt: int = 1,
        retries: int | None = None,
    ) -> list[DeliveryLog]:
        """Send `payload` until a 2xx or `1 + max_retries` attempts; one log per attempt."""
        if session is None:
            async with aiohttp.ClientSession() as own:
                return await self.deliver(
                    hook, payload, session=own, first_attempt=first_attempt, retries=retries
                )
        attempts = 1 + (hook.max_retries if retries is None else retries)
        payload = shape_payload(self.fake.unknowns, payload)
        logs: list[DeliveryLog] = []
        for number in range(first_attempt, first_attempt + attempts):
            log = await self._attempt(session, hook, payload, number)
            logs.append(log)
            if log.status == "success":
                break
        return logs

    async def _attempt(
        self, session: aiohttp.ClientSession, hook: Webhook, payload: dict[str, Any], attempt: int
    ) -> DeliveryLog:
        body = _json.dumps(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "TalkoverFake-Webhooks/1.0",
            "X-Talkover-Event": str(payload.get("event", "")),
            "X-Talkover-Delivery-Id": str(payload.get("event_id", "")),
            "X-Talkover-Attempt": str(attempt),
        }
        for item in hook.custom_headers:
            if isinstance(item, dict) and item.get("key"):
                headers[str(item["key"])] = str(item.get("value", ""))
        if hook.webhook_secret:
            headers[SIGNATURE_HEADER] = sign(body, hook.webhook_secret)
        headers = header_casing(self.fake.unknowns, headers, canonical=False)
        log = DeliveryLog(
            id=self.fake.ids.new(),
            webhook_id=hook.id,
            event=str(payload.get("event", "")),
            attempt=attempt,
            status="failed",
            created_at=self.fake.clock.time,
            request_payload=payload,
            url=hook.webhook_url,
            request_headers=headers,
            body=body,
        )
        started = time.monotonic()
        try:
            status, text, response_headers = await self._send(session, hook, headers, body)
        except _Refused as exc:
            log.error = str(exc)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            log.error = f"{type(exc).__name__}: {exc}"[:500]
        else:
            log.http_status = status
            log.response_body = text[:_RESPONSE_BODY_LIMIT]
            log.response_headers = response_headers
            if 200 <= status < 300:
                log.status = "success"
                log.delivered_at = self.fake.clock.time
            else:
                log.error = f"HTTP {status}"
        log.duration_ms = int((time.monotonic() - started) * 1000)
        hook.logs.append(log)
        self.fake.deliveries.append(log)
        return log

    async def _send(
        self,
        session: aiohttp.ClientSession,
        hook: Webhook,
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, str, dict[str, str]]:
        sink = self.fake.webhook_sink
        if sink is not None:
            result = await sink(hook.webhook_url, dict(headers), body)
            if isinstance(result, tuple):
                return int(result[0]), str(result[1]), {}
            return int(result), "", {}
        host = (urlsplit(hook.webhook_url).hostname or "").lower()
        if host not in LOOPBACK_HOSTS:
            raise _Refused(f"fake: not delivered, {host or 'URL'} is not a loopback host")
        async with session.request(
            hook.http_method,
            hook.webhook_url,
            data=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=float(hook.timeout)),
            allow_redirects=False,
        ) as response:
            text = await response.text(errors="replace")
            return response.status, text, dict(response.headers)
