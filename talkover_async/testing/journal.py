"""The journal: every request the fake received, for assertions on what a client sent.

Entries keep method, path, route template, query, JSON body, headers (token masked), the
status answered, the fault applied and whether the request was processed (its side effect
happened). `calls_placed()` / `numbers_dialled()` answer "was any number called twice?".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

import attrs
from multidict import CIMultiDict

from .. import _json

__all__ = ["CALL_ROUTES", "Journal", "JournalEntry", "RequestView", "mask_token"]

CALL_ROUTES = frozenset({"POST /agents/{agent_id}/call", "POST /campaigns/{campaign_id}/call"})
_SENSITIVE = frozenset({"authorization", "x-api-key", "cookie"})


def mask_token(token: str) -> str:
    """`talq_***` / `1|***`: the token's kind without its secret part."""
    if token.startswith("talq_"):
        return "talq_***"
    if "|" in token:
        return token.split("|", 1)[0] + "|***"
    return "***"


class RequestView:
    """A request as the fake sees it, whichever way it came in (in-process or loopback)."""

    def __init__(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
        via: str,
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.query = dict(query)
        self.headers: CIMultiDict[str] = CIMultiDict(headers)
        self.body = body
        self.via = via

    @cached_property
    def json(self) -> Any:
        """The body decoded as JSON (None when empty or not JSON)."""
        if not self.body:
            return None
        try:
            return _json.loads(self.body)
        except _json.JSONDecodeError:
            return None

    @property
    def token(self) -> str | None:
        """The bearer token, if any."""
        value = self.headers.get("Authorization", "")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()

    def masked_headers(self) -> dict[str, str]:
        """Headers with credentials masked."""
        out: dict[str, str] = {}
        for key, value in self.headers.items():
            if key.lower() in _SENSITIVE:
                scheme, _, token = value.partition(" ")
                out[key] = f"{scheme} {mask_token(token)}" if token else "***"
            else:
                out[key] = value
        return out

    def __repr__(self) -> str:
        return f"<RequestView {self.method} {self.path}>"


@attrs.frozen
class JournalEntry:
    """One request and how the fake answered it.

    `status` is what the client received (None after a reset or a hang); `handler_status` what
    the API logic produced (None when it did not run). `processed` is True when the API logic
    ran, so its side effect (if any) happened.
    """

    seq: int
    at: float
    via: str
    method: str
    path: str
    route: str | None
    params: Mapping[str, str]
    query: Mapping[str, str]
    json: Any
    headers: Mapping[str, str]
    status: int | None
    handler_status: int | None
    fault: str | None
    processed: bool
    unexpected: bool
    environment: str | None
    response: Any = None

    @property
    def key(self) -> str | None:
        """`"POST /agents/{agent_id}/call"`: method and route template."""
        return None if self.route is None else f"{self.method} {self.route}"


class Journal:
    """Every request received, in order (`fake.journal`)."""

    def __init__(self) -> None:
        self._entries: list[JournalEntry] = []

    def record(self, entry: JournalEntry) -> None:
        """Append one entry (the fake does this)."""
        self._entries.append(entry)

    def filter(
        self,
        route: str | None = None,
        *,
        method: str | None = None,
        status: int | None = None,
        processed: bool | None = None,
    ) -> list[JournalEntry]:
        """Entries matching everything given; `route` is `"POST /agents/{agent_id}/call"` or a
        template alone (`"/calls"`)."""
        out = []
        for entry in self._entries:
            if route is not None and route not in (entry.key, entry.route, entry.path):
                continue
            if method is not None and entry.method != method.upper():
                continue
            if status is not None and entry.status != status:
                continue
            if processed is not None and entry.processed != processed:
                continue
            out.append(entry)
        return out

    def calls_placed(self) -> list[JournalEntry]:
        """Requests that placed or queued a call (processed with a 2xx from the API logic, even
        if the client then saw a reset or a timeout)."""
        return [
            e
            for e in self._entries
            if e.key in CALL_ROUTES
            and e.processed
            and e.handler_status is not None
            and 200 <= e.handler_status < 300
        ]

    def numbers_dialled(self) -> Counter[str]:
        """How many calls were placed or queued to each number."""
        counts: Counter[str] = Counter()
        for entry in self.calls_placed():
            if isinstance(entry.json, dict) and isinstance(entry.json.get("to"), str):
                counts[entry.json["to"]] += 1
        return counts

    def unexpected(self) -> list[JournalEntry]:
        """Requests to routes the API does not have."""
        return [e for e in self._entries if e.unexpected]

    @property
    def last(self) -> JournalEntry:
        """The most recent entry."""
        return self._entries[-1]

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index: int) -> JournalEntry:
        return self._entries[index]

    def __repr__(self) -> str:
        return f"<Journal {len(self._entries)} entries>"
