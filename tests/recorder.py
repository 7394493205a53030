"""`Recorder`: a `MockTransport` handler that records requests and answers from a script, and
`client_for`, a strict client wired to it. Shared by the per-area resource tests."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from talkover_async import AsyncTalkover
from talkover_async.http import Request, Response
from talkover_async.transports import MockTransport

ScriptItem = tuple[int, Any] | Response | type[BaseException]


class Recorder:
    """Answers each request with the next script item; the last item repeats.

    An item is `(status, body)` (a JSON value, or bytes sent as they are), a ready `Response`,
    or an exception class to raise as a network would fail.
    """

    def __init__(self, *script: ScriptItem) -> None:
        self.requests: list[Request] = []
        self.script = list(script)

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        item = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(item, type):
            raise item("scripted failure")
        if isinstance(item, Response):
            return item
        status, body = item
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return Response(status, {"Content-Type": "application/json"}, content)

    @property
    def last(self) -> Request:
        return self.requests[-1]

    def body(self, i: int = -1) -> Any:
        content = self.requests[i].content
        return None if content is None else json.loads(content)

    def path(self, i: int = -1) -> str:
        """The URL path of request `i` (`/api/v1/...`), without the query."""
        return urlsplit(self.requests[i].url).path

    def target(self, i: int = -1) -> str:
        """The path with its query string, as sent."""
        parts = urlsplit(self.requests[i].url)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path

    def query(self, i: int = -1) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.requests[i].url).query)

    def auth(self, i: int = -1) -> str:
        return self.requests[i].headers["Authorization"]


def client_for(rec: Recorder, **kw: Any) -> AsyncTalkover:
    """A strict-decoding client with token `talq_test` whose transport is `rec`."""
    kw.setdefault("env", {})
    return AsyncTalkover(
        kw.pop("token", "talq_test"), transport=MockTransport(rec), strict=True, **kw
    )
