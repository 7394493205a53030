"""HTTP value types shared by transports and middleware: `Request`, `Response`, `Timeout`.

They know nothing about Talkover's models; they carry bytes, headers and a few facts about the
operation (its name, path template and whether repeating it is safe) that middleware needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["Attempt", "Headers", "Request", "Response", "Timeout"]

Headers = Mapping[str, str]


@attrs.frozen(slots=True, cache_hash=True)  # a dict key in the transport on every request
class Timeout:
    """Time limits for one attempt, in seconds (`None` disables that limit).

    `pool` bounds the wait for a free connection when all `connection_limit` connections are
    busy; it is off by default, because a dispatcher that queues more requests than it has
    connections is working as designed (bound the queue with `max_in_flight` instead, or set
    `pool` to fail fast). A request that times out there provably never left the client
    (`APITimeoutError`, `sent=False`). `connect` covers only establishing a new connection
    (DNS, TCP and TLS), never the queue: a slow but healthy server does not turn into
    connect timeouts. `total` bounds the whole attempt, pool wait included; when it fires
    while the request still waits for a connection, the error says so and has `sent=False`.
    `read` bounds the wait for each chunk of the response; it is off by default because
    `total` already bounds the attempt and a read limit re-arms a timer on every chunk
    received (about 6 % of the client CPU of a make-call request over loopback,
    `benchmarks/README.md`). Set it to notice a stalled response sooner than `total` would,
    and always when `total` is None: with both off, a server that stops mid-response is
    waited for indefinitely.
    """

    total: float | None = 60.0
    connect: float | None = 10.0
    read: float | None = None
    pool: float | None = None

    @classmethod
    def of(cls, value: Timeout | float | None) -> Timeout | None:
        """Coerce a number of seconds (a total limit) or a `Timeout` to a `Timeout`."""
        if value is None or isinstance(value, Timeout):
            return value
        return cls(total=float(value), connect=min(float(value), 10.0))


@attrs.frozen(slots=True)
class Attempt:
    """One attempt of a request, as recorded by the retry middleware."""

    number: int
    status_code: int | None = None
    error: str | None = None
    elapsed: float = 0.0
    wait: float | None = None


@attrs.frozen(slots=True, repr=False)
class Request:
    """An HTTP request about to be sent.

    `operation` names the API operation (`agents.call`), `path_template` is its documented path
    (`/agents/{agent_id}/call`, used in logs instead of the concrete path), and `safe` says
    whether sending it twice can repeat a side effect (False for placing a call).
    """

    method: str
    url: str
    headers: Mapping[str, str] = attrs.field(factory=dict)
    content: bytes | None = None
    timeout: Timeout | None = None
    operation: str = ""
    path_template: str = ""
    safe: bool = True
    attempt: int = 1
    extensions: Mapping[str, Any] = attrs.field(factory=dict)

    def with_headers(self, extra: Mapping[str, str]) -> Request:
        """A copy of this request with `extra` headers added (or replaced)."""
        # Built field by field rather than with `attrs.evolve`, which introspects the class
        # on every call: auth runs this once per attempt.
        if type(self) is not Request:
            return attrs.evolve(self, headers={**self.headers, **extra})
        return Request(
            self.method,
            self.url,
            {**self.headers, **extra},
            self.content,
            self.timeout,
            self.operation,
            self.path_template,
            self.safe,
            self.attempt,
            self.extensions,
        )

    def __repr__(self) -> str:
        # Never show headers (Authorization) or the body (phone numbers, secrets).
        return f"<Request {self.method} {self.path_template or '?'} op={self.operation!r}>"


def _headers(value: Mapping[str, str] | None) -> CIMultiDictProxy[str] | CIMultiDict[str]:
    cls = type(value)
    if cls is CIMultiDictProxy or cls is CIMultiDict:  # what aiohttp hands over: no copy
        return value  # type: ignore[return-value]
    if isinstance(value, CIMultiDictProxy | CIMultiDict):
        return value
    return CIMultiDict(value or {})


@attrs.frozen(slots=True, repr=False)
class Response:
    """An HTTP response: status, case-insensitive headers and the raw body bytes."""

    status_code: int
    headers: CIMultiDictProxy[str] | CIMultiDict[str] = attrs.field(
        factory=CIMultiDict, converter=_headers
    )
    content: bytes = b""
    request: Request | None = None
    elapsed: float = 0.0
    attempts: tuple[Attempt, ...] = ()

    @property
    def is_success(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status_code < 300

    def __repr__(self) -> str:
        return f"<Response {self.status_code} {len(self.content)} bytes>"
