"""`WebhookReceiver`: verify, de-duplicate, parse and dispatch webhook deliveries.

Order of work for each delivery: size check -> signature (before any parsing) -> duplicate
check -> parse -> handlers. Answers (status, reason):

- 200 `ok` (handled), `duplicate` (seen before, handlers not called), `ignored` (no handler);
- 400 `invalid payload`; 401 `missing signature` / `invalid signature`; 413 `payload too large`;
- 500 `handler error`: a handler raised, so the sender retries (handlers must be idempotent).

`handle` is an aiohttp.web route handler; `process(raw_body, headers)` is the same logic for
any other framework.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol, TypeVar, overload, runtime_checkable

from aiohttp import web

from ..errors import ConfigurationError
from ..models.events import EventType
from ..redaction import Redactor
from .events import WebhookPayloadError, parse_event
from .signing import SIGNATURE_HEADER, WebhookSecrets, _check, _secret_keys

__all__ = [
    "DEFAULT_DEDUPE_SIZE",
    "DELIVERY_ID_HEADER",
    "EVENT_HEADER",
    "DedupeStore",
    "MemoryDedupeStore",
    "WebhookReceiver",
    "WebhookResult",
]

logger = logging.getLogger("talkover_async.webhooks")

#: Delivery-id header used as the de-duplication key when present. OUR ASSUMPTION: the
#: vendor documents no event-id or idempotency header; without it the body's SHA-256 is used.
DELIVERY_ID_HEADER = "X-Talkover-Delivery-Id"
#: Header naming the event, read only when the body has no `event`/`type` key. OUR ASSUMPTION.
EVENT_HEADER = "X-Talkover-Event"
#: Default number of delivery keys remembered by the in-memory de-duplication store.
DEFAULT_DEDUPE_SIZE = 10_000
_MAX_ID_LENGTH = 200

H = TypeVar("H", bound=Callable[[Any], object])


class WebhookResult(NamedTuple):
    """What the receiver answers: an HTTP status and a short reason."""

    status: int
    reason: str

    @property
    def ok(self) -> bool:
        """True for a 2xx answer (the sender will not retry)."""
        return 200 <= self.status < 300


@runtime_checkable
class DedupeStore(Protocol):
    """Where delivery keys are remembered. Plug in a shared one (e.g. Redis) for a fleet."""

    async def seen(self, key: str) -> bool:
        """True if `key` was remembered before."""
        ...

    async def remember(self, key: str) -> None:
        """Remember `key` (a delivery that was handled successfully)."""
        ...


class MemoryDedupeStore:
    """An in-process LRU of delivery keys, bounded to `maxsize` entries."""

    __slots__ = ("_keys", "maxsize")

    def __init__(self, maxsize: int = DEFAULT_DEDUPE_SIZE) -> None:
        if maxsize < 1:
            raise ConfigurationError("dedupe store size must be at least 1")
        self.maxsize = maxsize
        self._keys: OrderedDict[str, None] = OrderedDict()

    async def seen(self, key: str) -> bool:
        """True if `key` is remembered (and mark it recently used)."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return True
        return False

    async def remember(self, key: str) -> None:
        """Remember `key`, forgetting the least recently used key beyond `maxsize`."""
        self._keys[key] = None
        self._keys.move_to_end(key)
        while len(self._keys) > self.maxsize:
            self._keys.popitem(last=False)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"MemoryDedupeStore(maxsize={self.maxsize}, size={len(self._keys)})"


def _header(headers: Mapping[str, str], name: str | None) -> str | None:
    """A header value by case-insensitive name (works for plain dicts too)."""
    if not name:
        return None
    value = headers.get(name)
    if value is None:
        lower = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lower), None)
    return value


class _Keys:
    """The HMAC keys, with a `repr` that never shows them."""

    __slots__ = ("values",)

    def __init__(self, values: tuple[bytes, ...]) -> None:
        self.values = values

    def __repr__(self) -> str:
        return f"<{len(self.values)} webhook secret(s)>"

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("webhook secrets cannot be pickled")


class WebhookReceiver:
    """Receives Talkover webhook deliveries and dispatches them to handlers by event name.

    `secret` is required as a keyword: one secret or several (rotation), or `None` to accept
    unsigned deliveries (only for webhooks configured without `webhook_secret`). `header`,
    `id_header` and `event_header` are our assumptions (the vendor names none of them).
    `dedupe` is a `DedupeStore`, a size for the built-in LRU, or `None`/0 to turn it off.
    Handlers may be async or sync (sync ones run on the event loop: keep them short).
    """

    __slots__ = (
        "_any",
        "_handlers",
        "_inflight",
        "_keys",
        "_redactor",
        "dedupe",
        "event_header",
        "header",
        "id_header",
        "max_body_size",
        "strict",
    )

    def __init__(
        self,
        *,
        secret: WebhookSecrets | None,
        header: str = SIGNATURE_HEADER,
        id_header: str | None = DELIVERY_ID_HEADER,
        event_header: str | None = EVENT_HEADER,
        dedupe: DedupeStore | int | None = DEFAULT_DEDUPE_SIZE,
        max_body_size: int = 1024 * 1024,
        strict: bool = False,
    ) -> None:
        keys = _secret_keys(secret)
        if secret is not None and not keys:
            raise ConfigurationError(
                "webhook secret is empty; pass secret=None to accept unsigned deliveries"
            )
        if not header:
            raise ConfigurationError("the signature header name must not be empty")
        self._keys = _Keys(keys)
        self._redactor = Redactor(k.decode("utf-8", "replace") for k in keys)
        self.header = header
        self.id_header = id_header
        self.event_header = event_header
        if isinstance(dedupe, int) and not isinstance(dedupe, bool):
            self.dedupe: DedupeStore | None = MemoryDedupeStore(dedupe) if dedupe > 0 else None
        elif dedupe is None or isinstance(dedupe, DedupeStore):
            self.dedupe = dedupe
        else:
            raise ConfigurationError("dedupe must be a DedupeStore, a size or None")
        self.max_body_size = max_body_size
        self.strict = strict
        self._handlers: dict[str, list[Callable[[Any], object]]] = {}
        self._any: list[Callable[[Any], object]] = []
        self._inflight: dict[str, asyncio.Event] = {}

    def __repr__(self) -> str:
        count = sum(len(h) for h in self._handlers.values()) + len(self._any)
        return (
            f"WebhookReceiver(header={self.header!r}, secrets={len(self._keys.values)}, "
            f"handlers={count}, dedupe={self.dedupe!r})"
        )

    # -- registration -------------------------------------------------------------------

    @overload
    def on(self, event: EventType | str) -> Callable[[H], H]: ...
    @overload
    def on(self, event: EventType | str, handler: H) -> H: ...

    def on(self, event: EventType | str, handler: H | None = None) -> H | Callable[[H], H]:
        """Register `handler` for one event name; without `handler`, a decorator."""
        name = str(event)

        def register(func: H) -> H:
            if not callable(func):
                raise TypeError("a webhook handler must be callable")
            self._handlers.setdefault(name, []).append(func)
            return func

        return register(handler) if handler is not None else register

    @overload
    def on_any(self) -> Callable[[H], H]: ...
    @overload
    def on_any(self, handler: H) -> H: ...

    def on_any(self, handler: H | None = None) -> H | Callable[[H], H]:
        """Register `handler` for every event (after the per-name handlers); or a decorator."""

        def register(func: H) -> H:
            if not callable(func):
                raise TypeError("a webhook handler must be callable")
            self._any.append(func)
            return func

        return register(handler) if handler is not None else register

    # -- processing ---------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        """aiohttp.web route handler: `app.router.add_post("/webhooks", receiver.handle)`."""
        raw_body = await request.read()
        status, reason = await self.process(raw_body, request.headers)
        return web.Response(status=status, text=reason)

    async def process(
        self, raw_body: bytes | bytearray | memoryview, headers: Mapping[str, str]
    ) -> WebhookResult:
        """Verify, de-duplicate, parse and dispatch one delivery; framework-neutral."""
        body = bytes(raw_body)
        if len(body) > self.max_body_size:
            logger.warning("webhook rejected: body of %d bytes is too large", len(body))
            return WebhookResult(413, "payload too large")
        if self._keys.values:
            failure = _check(body, _header(headers, self.header), self._keys.values)
            if failure is not None:
                logger.warning("webhook rejected: signature %s (header %s)", failure, self.header)
                reason = "missing signature" if failure == "missing" else "invalid signature"
                return WebhookResult(401, reason)
        store = self.dedupe
        if store is None:
            return await self._dispatch(body, headers)
        key = self._dedupe_key(body, headers)
        while (pending := self._inflight.get(key)) is not None:
            await pending.wait()  # the same delivery is being handled: wait for its outcome
        done = self._inflight[key] = asyncio.Event()  # claimed before any await below
        try:
            if await store.seen(key):
                logger.debug("webhook duplicate delivery dropped")
                return WebhookResult(200, "duplicate")
            result = await self._dispatch(body, headers)
            if result.ok:
                await store.remember(key)
            return result
        finally:
            del self._inflight[key]
            done.set()

    def _dedupe_key(self, body: bytes, headers: Mapping[str, str]) -> str:
        delivery_id = (_header(headers, self.id_header) or "").strip()
        if delivery_id:
            if len(delivery_id) > _MAX_ID_LENGTH:
                return "id-sha256:" + hashlib.sha256(delivery_id.encode()).hexdigest()
            return "id:" + delivery_id
        return "body-sha256:" + hashlib.sha256(body).hexdigest()

    async def _dispatch(self, body: bytes, headers: Mapping[str, str]) -> WebhookResult:
        try:
            event = parse_event(
                body, event_name=_header(headers, self.event_header), strict=self.strict
            )
        except WebhookPayloadError as exc:
            logger.warning("webhook rejected: %s", self._redactor.text(str(exc)))
            return WebhookResult(400, "invalid payload")
        name = None if event.event is None else str(event.event)
        handlers = [*self._handlers.get(name, ()), *self._any] if name else list(self._any)
        if not handlers:
            logger.debug("webhook %s ignored: no handler", name)
            return WebhookResult(200, "ignored")
        for func in handlers:
            try:
                outcome = func(event)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception as exc:
                self._log_failure(name, func, exc)
                return WebhookResult(500, "handler error")
        logger.debug("webhook %s handled by %d handler(s)", name, len(handlers))
        return WebhookResult(200, "ok")

    def _log_failure(self, name: str | None, func: Callable[[Any], object], exc: Exception) -> None:
        """Log a handler failure with its traceback, secrets and tokens removed."""
        text = "".join(traceback.format_exception(exc)).rstrip()
        label = getattr(func, "__qualname__", type(func).__name__)
        logger.error(
            "webhook handler %s failed for %s:\n%s", label, name, self._redactor.text(text)
        )
