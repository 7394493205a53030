"""The framework-neutral webhook core: verify, parse, check age, de-duplicate, dispatch.

`WebhookCore` works from raw headers (any mapping, looked up case-insensitively) and the raw
body, and answers a `WebhookResult` (status, reason; `.body` and `.headers` give the HTTP
response to send). It imports no web framework: the adapters (`aiohttp` for aiohttp.web,
`asgi` for FastAPI, Starlette and any ASGI 3 server) only move bytes in and out.

Order of work for each delivery: size (the declared `Content-Length` first, then the bytes
read, never more than `max_body_size + 1`) -> signature (before any parsing) -> parse ->
timestamp tolerance (when set) -> duplicate check -> handlers. Answers (status, reason):

- 200 `ok` (handled), `duplicate` (seen before, handlers not called), `ignored` (no handler);
- 400 `invalid payload`, `missing timestamp`, `timestamp outside tolerance`;
- 401 `missing signature` / `invalid signature`; 413 `payload too large`;
- 408 `body not received in time`: the body did not arrive within `read_timeout`;
- 500 `handler error`: a handler raised, so the sender retries (handlers must be idempotent).
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import math
import time
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from datetime import UTC, timedelta
from typing import Any, NamedTuple, Protocol, TypeAlias, TypeVar, overload, runtime_checkable

from ..errors import ConfigurationError
from ..models.events import EventType, WebhookEvent
from ..redaction import Redactor
from .events import WebhookPayloadError, parse_event
from .signing import SIGNATURE_HEADER, WebhookSecrets, _check, _secret_keys

__all__ = [
    "DEFAULT_DEDUPE_SIZE",
    "DEFAULT_READ_TIMEOUT",
    "DELIVERY_ID_HEADER",
    "EVENT_HEADER",
    "BodyReader",
    "DedupeStore",
    "HeaderMap",
    "MemoryDedupeStore",
    "WebhookCore",
    "WebhookResult",
    "read_limited",
]

logger = logging.getLogger("talkover_async.webhooks")

#: Delivery-id header, part of the de-duplication key when present. OUR ASSUMPTION: the
#: vendor documents no event-id or idempotency header. It is not signed, so the key is always
#: the id together with the SHA-256 of the signed body (never the id alone).
DELIVERY_ID_HEADER = "X-Talkover-Delivery-Id"
#: Header naming the event, read only when the body has no `event`/`type` key. OUR ASSUMPTION.
EVENT_HEADER = "X-Talkover-Event"
#: Default number of delivery keys remembered by the in-memory de-duplication store.
DEFAULT_DEDUPE_SIZE = 10_000
#: Largest read asked of a body stream at once.
READ_CHUNK_SIZE = 64 * 1024
#: Default seconds allowed to receive a whole body (the vendor's default webhook timeout: the
#: sender has given up on a delivery whose body takes longer).
DEFAULT_READ_TIMEOUT = 30.0
#: A `Content-Length` with more digits than this is larger than any `max_body_size`.
_MAX_LENGTH_DIGITS = 18

#: `read(n)` -> at most `n` more bytes of the body (fewer is fine), `b""` once it has ended.
BodyReader: TypeAlias = Callable[[int], Awaitable[bytes]]

H = TypeVar("H", bound=Callable[[Any], object])

_TEXT_PLAIN = (("Content-Type", "text/plain; charset=utf-8"),)


class WebhookResult(NamedTuple):
    """What the receiver answers: an HTTP status and a short reason.

    `body` and `headers` are the HTTP response to send (the reason as UTF-8 plain text).
    """

    status: int
    reason: str

    @property
    def ok(self) -> bool:
        """True for a 2xx answer (the sender will not retry)."""
        return 200 <= self.status < 300

    @property
    def body(self) -> bytes:
        """The response body: the reason, UTF-8."""
        return self.reason.encode()

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The response headers (`Content-Type: text/plain; charset=utf-8`)."""
        return _TEXT_PLAIN


TOO_LARGE = WebhookResult(413, "payload too large")
TOO_SLOW = WebhookResult(408, "body not received in time")


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


class HeaderMap(Mapping[str, str]):
    """Request headers looked up case-insensitively, built from `(name, value)` pairs.

    Names and values may be `bytes` (ASGI gives latin-1 bytes) or `str`. A name given more
    than once keeps its values joined with `", "` (RFC 9110), so a doubled signature header
    is malformed rather than silently the first or the last one.
    """

    __slots__ = ("_items",)

    def __init__(self, pairs: Iterable[tuple[str | bytes, str | bytes]] = ()) -> None:
        items: dict[str, str] = {}
        for raw_name, raw_value in pairs:
            name = raw_name.decode("latin-1") if isinstance(raw_name, bytes) else raw_name
            value = raw_value.decode("latin-1") if isinstance(raw_value, bytes) else raw_value
            key = name.lower()
            items[key] = f"{items[key]}, {value}" if key in items else value
        self._items = items

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"HeaderMap({sorted(self._items)})"  # names only: values may hold secrets


def _header(headers: Mapping[str, str], name: str | None) -> str | None:
    """A header value by case-insensitive name (works for plain dicts too)."""
    if not name:
        return None
    value = headers.get(name)
    if value is None:
        lower = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lower), None)
    return value


def _declared_length(headers: Mapping[str, str]) -> int | None:
    """The `Content-Length` the sender declared, or None (absent or not a number).

    Past 18 digits the value is only "too large" (`int()` refuses 4,300 digits and more)."""
    text = (_header(headers, "Content-Length") or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= _MAX_LENGTH_DIGITS else 10**_MAX_LENGTH_DIGITS


async def read_limited(read: BodyReader, limit: int) -> bytes | None:
    """The whole body from `read`, or None as soon as it is known to exceed `limit` bytes.

    Never asks `read` for more than `limit + 1` bytes in total, so an oversized or endless
    body costs at most `limit + 1` bytes of memory (a reader that returns more than it was
    asked for is still cut off at its first chunk past the limit). The bytes go into one
    buffer, so a body in many tiny pieces costs no more than one in large ones.
    """
    buffer = bytearray()
    while True:
        chunk = await read(min(READ_CHUNK_SIZE, limit + 1 - len(buffer)))
        if not chunk:
            return bytes(buffer)
        if len(buffer) + len(chunk) > limit:
            return None
        buffer += chunk


def _seconds(name: str, value: float | timedelta | None) -> float | None:
    """A positive, finite number of seconds (or a `timedelta`), or None; else the error."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds <= 0
    ):
        raise ConfigurationError(f"{name} must be a positive number of seconds or None")
    return float(seconds)


class _Keys:
    """The HMAC keys, with a `repr` that never shows them."""

    __slots__ = ("values",)

    def __init__(self, values: tuple[bytes, ...]) -> None:
        self.values = values

    def __repr__(self) -> str:
        return f"<{len(self.values)} webhook secret(s)>"

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("webhook secrets cannot be pickled")


class WebhookCore:
    """Verifies webhook deliveries and dispatches them to handlers by event name.

    Framework-neutral: `process(raw_body, headers)` for a body already read, or
    `receive(headers, read)` to read it within the size limit. `WebhookReceiver` adds the
    aiohttp.web and ASGI entry points; see its docstring for the settings.
    """

    __slots__ = (
        "_any",
        "_handlers",
        "_inflight",
        "_keys",
        "_redactor",
        "clock",
        "dedupe",
        "event_header",
        "header",
        "id_header",
        "max_body_size",
        "read_timeout",
        "strict",
        "tolerance",
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
        tolerance: float | timedelta | None = None,
        clock: Callable[[], float] = time.time,
        read_timeout: float | timedelta | None = DEFAULT_READ_TIMEOUT,
    ) -> None:
        keys = _secret_keys(secret)
        if secret is not None and not keys:
            raise ConfigurationError(
                "webhook secret is empty; pass secret=None to accept unsigned deliveries"
            )
        if not header:
            raise ConfigurationError("the signature header name must not be empty")
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int):
            raise ConfigurationError("max_body_size must be an int (bytes)")
        if max_body_size < 0:
            raise ConfigurationError("max_body_size must not be negative")
        if not callable(clock):
            raise ConfigurationError("clock must be a callable returning Unix seconds")
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
        #: Largest accepted distance in seconds between the event's `timestamp` and `clock()`
        #: (None: no check).
        self.tolerance = _seconds("tolerance", tolerance)
        #: Seconds allowed to receive the whole body in `receive` (None: no deadline).
        self.read_timeout = _seconds("read_timeout", read_timeout)
        #: Current time in Unix seconds (injectable for tests).
        self.clock = clock
        self._handlers: dict[str, list[Callable[[Any], object]]] = {}
        self._any: list[Callable[[Any], object]] = []
        self._inflight: dict[str, asyncio.Event] = {}

    def __repr__(self) -> str:
        count = sum(len(h) for h in self._handlers.values()) + len(self._any)
        return (
            f"{type(self).__name__}(header={self.header!r}, secrets={len(self._keys.values)}, "
            f"handlers={count}, dedupe={self.dedupe!r}, tolerance={self.tolerance!r})"
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

    async def receive(self, headers: Mapping[str, str], read: BodyReader) -> WebhookResult:
        """Read the body with `read` within `max_body_size`, then `process` it.

        A declared `Content-Length` above the limit is refused before anything is read, no
        more than `max_body_size + 1` bytes are ever asked of `read`, and a body still
        incomplete after `read_timeout` seconds is answered 408 (no handler runs).
        """
        declared = _declared_length(headers)
        if declared is not None and declared > self.max_body_size:
            logger.warning("webhook rejected: declared body of %d bytes is too large", declared)
            return TOO_LARGE
        try:
            async with asyncio.timeout(self.read_timeout):
                body = await read_limited(read, self.max_body_size)
        except TimeoutError:
            logger.warning("webhook rejected: body not received within %s s", self.read_timeout)
            return TOO_SLOW
        if body is None:
            logger.warning("webhook rejected: body exceeds %d bytes", self.max_body_size)
            return TOO_LARGE
        return await self.process(body, headers)

    async def process(
        self, raw_body: bytes | bytearray | memoryview, headers: Mapping[str, str]
    ) -> WebhookResult:
        """Verify, parse, de-duplicate and dispatch one delivery already read."""
        body = bytes(raw_body)
        if len(body) > self.max_body_size:
            logger.warning("webhook rejected: body of %d bytes is too large", len(body))
            return TOO_LARGE
        if self._keys.values:
            failure = _check(body, _header(headers, self.header), self._keys.values)
            if failure is not None:
                logger.warning("webhook rejected: signature %s (header %s)", failure, self.header)
                reason = "missing signature" if failure == "missing" else "invalid signature"
                return WebhookResult(401, reason)
        try:
            event = parse_event(
                body, event_name=_header(headers, self.event_header), strict=self.strict
            )
        except WebhookPayloadError as exc:
            logger.warning("webhook rejected: %s", self._redactor.text(str(exc)))
            return WebhookResult(400, "invalid payload")
        stale = self._check_age(event)
        if stale is not None:
            return stale
        store = self.dedupe
        if store is None:
            return await self._dispatch(event)
        key = self._dedupe_key(body, headers)
        while (pending := self._inflight.get(key)) is not None:
            await pending.wait()  # the same delivery is being handled: wait for its outcome
        done = self._inflight[key] = asyncio.Event()  # claimed before any await below
        try:
            if await store.seen(key):
                logger.debug("webhook duplicate delivery dropped")
                return WebhookResult(200, "duplicate")
            result = await self._dispatch(event)
            if result.ok:
                await store.remember(key)
            return result
        finally:
            del self._inflight[key]
            done.set()

    def _check_age(self, event: WebhookEvent) -> WebhookResult | None:
        """None when no tolerance is set or the event's `timestamp` is within it."""
        if self.tolerance is None:
            return None
        stamp = event.timestamp
        if stamp is None:
            logger.warning("webhook rejected: no timestamp to check the tolerance against")
            return WebhookResult(400, "missing timestamp")
        if stamp.tzinfo is None:  # the models make timestamps aware; be safe with others
            stamp = stamp.replace(tzinfo=UTC)
        age = self.clock() - stamp.timestamp()
        if not abs(age) <= self.tolerance:  # also refuses NaN
            logger.warning(
                "webhook rejected: timestamp %s is %.0f s from now (tolerance %.0f s)",
                stamp.isoformat(),
                age,
                self.tolerance,
            )
            return WebhookResult(400, "timestamp outside tolerance")
        return None

    def _dedupe_key(self, body: bytes, headers: Mapping[str, str]) -> str:
        """Every unsigned header the receiver reads (the delivery id and the event name), with
        the SHA-256 of the signed body.

        An attacker can choose the headers but not the body: a captured body replayed under
        the id of a delivery still to come, or under another event name (which picks the
        handlers of a body that names no event), gets a key of its own, never a real one.
        """
        digest = hashlib.sha256(body)
        unsigned = [
            (_header(headers, name) or "").strip() for name in (self.id_header, self.event_header)
        ]
        if not any(unsigned):
            return "body-sha256:" + digest.hexdigest()
        keyed = hashlib.sha256()
        for value in unsigned:
            raw = value.encode("utf-8", "surrogatepass")
            keyed.update(b"%d:%s\n" % (len(raw), raw))
        keyed.update(digest.digest())
        return "id-body-sha256:" + keyed.hexdigest()

    async def _dispatch(self, event: WebhookEvent) -> WebhookResult:
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
