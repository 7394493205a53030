"""Fault injection: make chosen requests fail the way real networks and servers fail.

    from talkover_async.testing import faults
    fake.faults.add("POST /agents/{agent_id}/call", faults.reset_after(), times=1)
    fake.faults.random(rate=0.2, seed=1)            # chaos: 20% of requests, every kind

Each kind says whether the request is processed (its side effect happens) before it fails:

| kind            | processed | in-process (`MockTransport`)  | loopback (`serve_fake`)          |
|-----------------|-----------|-------------------------------|----------------------------------|
| `latency(s)`    | yes       | sleeps `s`, then answers      | same                             |
| `status(...)`   | no*       | answers the status and body   | same                             |
| `rate_limited`  | no        | 429 + `Retry-After`           | same                             |
| `server_error`  | no*       | 500 + the route's documented  | same                             |
|                 |           | server-error body             |                                  |
| `reset_before`  | no        | raises `ConnectionResetError` | closes the socket, no answer     |
| `reset_after`   | yes       | raises `ConnectionResetError` | closes the socket, no answer     |
| `truncated`     | yes       | the real answer, body cut     | same                             |
| `html(...)`     | no*       | an HTML error page (502)      | same                             |
| `timeout(...)`  | yes*      | raises `TimeoutError`         | never answers (until the client  |
|                 |           |                               | gives up or the server stops)    |

(*) `processed=` changes it: `status(500, processed=True)` places the call and then answers 500.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .documented import INTERNAL_ERROR

if TYPE_CHECKING:
    from .journal import RequestView

__all__ = [
    "ALL_KINDS",
    "Fault",
    "FaultKind",
    "Faults",
    "Hang",
    "Html",
    "Latency",
    "RandomFault",
    "RateLimited",
    "ResetAfter",
    "ServerError",
    "ResetBefore",
    "Status",
    "Truncated",
    "html",
    "kind_name",
    "latency",
    "parse_kind",
    "rate_limited",
    "reset_after",
    "reset_before",
    "server_error",
    "status",
    "timeout",
    "truncated",
]

GATEWAY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
GATEWAY_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


@attrs.frozen
class Latency:
    """Wait `seconds` (real time), then process and answer normally."""

    seconds: float = 0.05
    processed = True


@attrs.frozen
class Status:
    """Answer `status` with `body` (JSON-able, or bytes sent as is) instead of the real answer;
    with `processed=True` the request is handled first and only its answer is replaced."""

    status: int = 500
    body: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    processed: bool = False


@attrs.frozen
class ServerError:
    """500 with the documented server-error body of the route (`{"error": "..."}` on the voice
    demo, `{"success": false, "message": "Internal server error."}` on the delete pages that
    show it; elsewhere the choice `error.500` of `unknowns.py`)."""

    processed: bool = False


@attrs.frozen
class RateLimited:
    """429 with `Retry-After: retry_after` (seconds); nothing is processed."""

    retry_after: int = 1
    processed = False


@attrs.frozen
class ResetBefore:
    """The connection drops before the server reads the request: nothing happened."""

    processed = False


@attrs.frozen
class ResetAfter:
    """The server handled the request, then the connection dropped before the answer: the
    side effect happened and the client cannot know (the ambiguous case)."""

    processed = True


@attrs.frozen
class Truncated:
    """The real answer, with its body cut to `keep` of its length (invalid JSON)."""

    keep: float = 0.5
    processed = True


@attrs.frozen
class Html:
    """An HTML error page from a proxy (`status`, default 502) instead of JSON."""

    status: int = 502
    processed: bool = False


@attrs.frozen
class Hang:
    """No answer in time. In-process: waits `seconds` then raises `TimeoutError`. Over
    loopback: holds the connection for up to `hang` seconds (or until the client closes it or
    the server stops). With `processed=True` (default) the side effect happens first."""

    processed: bool = True
    seconds: float = 0.0
    hang: float = 300.0


FaultKind = (
    Latency | Status | ServerError | RateLimited | ResetBefore | ResetAfter | Truncated | Html
    | Hang
)


def latency(seconds: float = 0.05) -> Latency:
    """Added latency before a normal answer."""
    return Latency(seconds)


def status(
    code: int = 500,
    body: Any = None,
    *,
    headers: Mapping[str, str] | None = None,
    processed: bool = False,
) -> Status:
    """A chosen status and body (default: the documented 500 body)."""
    return Status(
        code, INTERNAL_ERROR if body is None else body, dict(headers or {}), processed
    )


def server_error(*, processed: bool = False) -> ServerError:
    """A 500 with the route's documented server-error body."""
    return ServerError(processed)


def rate_limited(retry_after: int = 1) -> RateLimited:
    """429 with `Retry-After`."""
    return RateLimited(retry_after)


def reset_before() -> ResetBefore:
    """Connection reset before the request is processed."""
    return ResetBefore()


def reset_after() -> ResetAfter:
    """Connection reset after the request was processed."""
    return ResetAfter()


def truncated(keep: float = 0.5) -> Truncated:
    """The real answer with a truncated body."""
    return Truncated(keep)


def html(code: int = 502, *, processed: bool = False) -> Html:
    """An HTML gateway error page."""
    return Html(code, processed)


def timeout(*, processed: bool = True, seconds: float = 0.0, hang: float = 300.0) -> Hang:
    """No answer before the client's read timeout."""
    return Hang(processed, seconds, hang)


_NAMES: dict[type, str] = {
    Latency: "latency",
    Status: "status",
    ServerError: "server_error",
    RateLimited: "rate_limited",
    ResetBefore: "reset_before",
    ResetAfter: "reset_after",
    Truncated: "truncated",
    Html: "html",
    Hang: "timeout",
}


def kind_name(kind: FaultKind) -> str:
    """The short name of a kind (`reset_after`), as the journal records it."""
    return _NAMES[type(kind)]


def parse_kind(kind: FaultKind | str) -> FaultKind:
    """A kind from its name (`"reset_after"`, `"500"`, `"html"`) or the kind itself."""
    if not isinstance(kind, str):
        return kind
    if kind.isdigit():
        return status(int(kind))
    factories: dict[str, Callable[[], FaultKind]] = {
        "latency": latency,
        "status": status,
        "server_error": server_error,
        "rate_limited": rate_limited,
        "reset_before": reset_before,
        "reset_after": reset_after,
        "truncated": truncated,
        "html": html,
        "timeout": timeout,
    }
    try:
        return factories[kind]()
    except KeyError:
        raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(factories)}") from None


# Every kind, as the chaos helper draws them (latency kept short so chaos runs stay fast).
ALL_KINDS: tuple[FaultKind, ...] = (
    Latency(0.01),
    Status(500, INTERNAL_ERROR),
    Status(503, {"success": False, "message": "Service unavailable."}),
    RateLimited(1),
    ResetBefore(),
    ResetAfter(),
    Truncated(),
    Html(502),
    Hang(),
)

_PARAM = re.compile(r"{\w+}")


def _split_route(route: str) -> tuple[str, str]:
    """`("POST", "/agents/{}/call")` from `"POST /api/v1/agents/{agent_id}/call"`."""
    route = route.strip()
    if route in ("", "*"):
        return "*", "*"
    method, _, path = route.partition(" ")
    if not path:
        method, path = ("*", method) if method.startswith("/") else (method, "*")
    if path.startswith("/api/v1/"):
        path = path[len("/api/v1") :]
    return method.upper(), _PARAM.sub("{}", path)


def _route_matches(spec: tuple[str, str], method: str, template: str | None, path: str) -> bool:
    want_method, want_path = spec
    if want_method not in ("*", method):
        return False
    if want_path == "*":
        return True
    if template is not None and _PARAM.sub("{}", template) == want_path:
        return True
    return path == want_path or path.removeprefix("/api/v1") == want_path


@attrs.define(eq=False)
class Fault:
    """A fault registered for a route: fires on matching requests `after` the first ones it
    lets through, `times` times (None: every time). `hits` counts the times it fired."""

    route: str
    kind: FaultKind
    times: int | None = 1
    after: int = 0
    when: Callable[[RequestView], bool] | None = None
    hits: int = 0
    seen: int = 0

    @property
    def used(self) -> bool:
        """True once the fault fired at least once."""
        return self.hits > 0

    @property
    def exhausted(self) -> bool:
        """True once it fired `times` times."""
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, template: str | None, view: RequestView) -> bool:
        """Whether this request is one the fault targets (ignores counts)."""
        if not _route_matches(_split_route(self.route), method, template, view.path):
            return False
        return self.when is None or bool(self.when(view))

    def __repr__(self) -> str:
        times = "always" if self.times is None else f"{self.hits}/{self.times}"
        return f"<Fault {self.route!r} {kind_name(self.kind)} {times}>"


@attrs.define(eq=False)
class RandomFault:
    """Faults drawn at random: each matching request is hit with probability `rate`, with a
    kind chosen uniformly from `kinds`, from a seeded RNG (reproducible chaos)."""

    rate: float
    kinds: tuple[FaultKind, ...]
    rng: random.Random
    route: str = "*"
    times: int | None = None
    hits: int = 0
    by_kind: Counter[str] = attrs.field(factory=Counter)

    @property
    def used(self) -> bool:
        """True once it fired at least once."""
        return self.hits > 0

    @property
    def exhausted(self) -> bool:
        """True once it fired `times` times."""
        return self.times is not None and self.hits >= self.times

    def __repr__(self) -> str:
        return f"<RandomFault {self.route!r} rate={self.rate} hits={self.hits}>"


class Faults:
    """The fault registry of one fake (`fake.faults`)."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._random: list[RandomFault] = []

    def add(
        self,
        route: str,
        kind: FaultKind | str,
        *,
        times: int | None = 1,
        after: int = 0,
        when: Callable[[RequestView], bool] | None = None,
    ) -> Fault:
        """Make `route` (`"POST /agents/{agent_id}/call"`, `"*"` for every route, or a concrete
        path) fail with `kind`, `times` times (None: always), after letting `after` matching
        requests through. `when(view)` narrows it further (e.g. on the JSON body)."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for always)")
        fault = Fault(route, parse_kind(kind), times, after, when)
        self._faults.append(fault)
        return fault

    def random(
        self,
        rate: float,
        kinds: Sequence[FaultKind | str] | None = None,
        *,
        seed: int | None = None,
        route: str = "*",
        times: int | None = None,
    ) -> RandomFault:
        """Hit `rate` (0-1) of the requests to `route` with faults drawn from `kinds` (default:
        every kind), reproducibly when `seed` is given."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        chosen = tuple(parse_kind(k) for k in kinds) if kinds else ALL_KINDS
        fault = RandomFault(rate, chosen, random.Random(seed), route, times)
        self._random.append(fault)
        return fault

    def pick(self, method: str, template: str | None, view: RequestView) -> FaultKind | None:
        """The fault to apply to this request (first registered match wins), counting it."""
        for fault in self._faults:
            if fault.exhausted or not fault.matches(method, template, view):
                continue
            fault.seen += 1
            if fault.seen <= fault.after:
                continue
            fault.hits += 1
            return fault.kind
        for chaos in self._random:
            if chaos.exhausted:
                continue
            if not _route_matches(_split_route(chaos.route), method, template, view.path):
                continue
            if chaos.rng.random() < chaos.rate:
                kind = chaos.rng.choice(chaos.kinds)
                chaos.hits += 1
                chaos.by_kind[kind_name(kind)] += 1
                return kind
        return None

    def unused(self) -> list[Fault | RandomFault]:
        """Faults set up that never fired (the pytest plugin fails a test on these)."""
        found: list[Fault | RandomFault] = [f for f in self._faults if not f.used]
        found.extend(f for f in self._random if not f.used)
        return found

    def clear(self) -> None:
        """Remove every fault."""
        self._faults.clear()
        self._random.clear()

    def __iter__(self) -> Iterator[Fault | RandomFault]:
        return iter([*self._faults, *self._random])

    def __len__(self) -> int:
        return len(self._faults) + len(self._random)

    def __repr__(self) -> str:
        return f"<Faults {len(self)}>"
