"""The client's one request path (`AsyncTalkover._execute`) and the steps of `build_request`.

`client.request`, the resource methods and the pages of a paginator all go through the same
build, send, decode and scrub; the JSON-body headers dict a client shares between requests
belongs to that client (a `with_options` clone gets its own); and the client module does not
reach up to the dispatcher.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from talkover_async import APIStatusError, AsyncTalkover, Page, RawResponse
from talkover_async.http import Request, Response
from talkover_async.operations import OPERATIONS
from talkover_async.transports import MockTransport

from .canary import reachable_texts

TOKEN = "talq_testRequestPath0123456789"  # noqa: S105 - fake
SECRET = "whsec_testRequestPathSecret42"  # noqa: S105 - fake
BASE = "http://127.0.0.1:9/api/v1"
PACKAGE = Path(__file__).resolve().parent.parent / "talkover_async"


def _client(handler: Callable[[Request], Response], **kw: Any) -> AsyncTalkover:
    return AsyncTalkover(TOKEN, base_url=BASE, transport=MockTransport(handler), env={}, **kw)


def _page(request: Request) -> Response:
    page = int(request.url.rsplit("page=", 1)[1]) if "page=" in request.url else 1
    body = {
        "success": True,
        "data": [{"id": f"c{page}"}],
        "pagination": {"current_page": page, "last_page": 2, "per_page": 1, "total": 2},
    }
    return Response(200, {"Content-Type": "application/json"}, json.dumps(body).encode())


def _echo_error(request: Request) -> Response:
    """A 422 whose message echoes what the server received, secrets included."""
    received = f"{request.headers.get('Authorization')} {(request.content or b'').decode()}"
    body = {"success": False, "message": f"rejected {received}"}
    return Response(422, {"Content-Type": "application/json"}, json.dumps(body).encode())


# --- one path: capture, decode, scrub --------------------------------------------------------
async def test_request_methods_and_pages_are_all_captured() -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.url)
        return _page(request)

    async with _client(handler) as client:
        op = OPERATIONS["calls.list"]
        with client.capture_responses() as captured:
            raw = await client.request(op, query={"page": 2}, requested_page=2)
            first = await client.calls.list()
            pages = [page async for page in client.paginate(op).pages()]
    assert isinstance(raw, RawResponse)
    assert isinstance(raw.parsed, Page) and raw.parsed.current_page == 2
    assert raw.status_code == 200
    assert isinstance(first, Page) and first.current_page == 1
    assert [p.current_page for p in pages] == [1, 2]
    # One captured response per HTTP exchange, whichever entry point sent it.
    assert len(captured) == len(seen) == 4
    assert [r.request.url if r.request else None for r in captured] == seen


@pytest.mark.parametrize("entry", ["request", "method", "page"])
async def test_every_entry_point_scrubs_its_errors(entry: str) -> None:
    async with _client(_echo_error) as client:
        call: Callable[[], Awaitable[Any]]
        if entry == "request":
            op = OPERATIONS["agents.call"]
            call = lambda: client.request(  # noqa: E731
                op, {"agent_id": "a1"}, body={"to": "+14155550100", "webhook_secret": SECRET}
            )
        elif entry == "method":
            call = lambda: client.agents.call(  # noqa: E731
                "a1", to="+14155550100", extra_body={"webhook_secret": SECRET}
            )
        else:
            call = lambda: client.paginate(OPERATIONS["calls.list"])  # noqa: E731 - awaitable
        with pytest.raises(APIStatusError) as info:
            await call()
    exc = info.value
    assert exc.status_code == 422
    texts = list(reachable_texts(exc))
    assert any("rejected" in t and "***" in t for t in texts)  # echoed, then scrubbed
    assert not [t for t in texts if TOKEN in t or SECRET in t]
    assert exc.__cause__ is None and exc.__suppress_context__


async def test_build_errors_come_before_any_io() -> None:
    sent: list[Request] = []

    def handler(request: Request) -> Response:
        sent.append(request)
        return _page(request)

    from talkover_async import InvalidRequestError

    async with _client(handler) as client:
        with pytest.raises(InvalidRequestError):
            await client.request(OPERATIONS["agents.get"], {})
        with pytest.raises(InvalidRequestError):
            client.paginate(OPERATIONS["calls.list"], options={"extra_headers": {"Bad\n": "x"}})
        with pytest.raises(InvalidRequestError):
            await client.agents.get("a/../b\n")
    assert sent == []


# --- build_request: its steps and the shared JSON headers -------------------------------------
async def test_request_fields_come_from_the_operation() -> None:
    async with _client(_page) as client:
        op = OPERATIONS["agents.call"]
        request = client.build_request(
            op, {"agent_id": "agent_1"}, body={"to": "+14155550100"}, options={"timeout": 7}
        )
    assert request.method == "POST"
    assert request.url == f"{BASE}/agents/agent_1/call"
    assert request.operation == "agents.call"
    assert request.path_template == "/agents/{agent_id}/call"
    assert request.safe is False  # placing a call is never resent blindly
    assert request.attempt == 1
    assert json.loads(request.content or b"") == {"to": "+14155550100"}
    assert request.timeout is not None and request.timeout.total == 7
    assert request.headers["Content-Type"] == "application/json"


async def test_json_headers_are_shared_within_a_client_not_across_clones() -> None:
    op = OPERATIONS["agents.call"]
    body = {"to": "+14155550100"}
    async with _client(_page, headers={"X-Team": "parent"}) as parent:
        first = parent.build_request(op, {"agent_id": "a1"}, body=body)
        second = parent.build_request(op, {"agent_id": "a2"}, body=body)
        # One dict per client for bodies, as for the requests without one.
        assert first.headers is second.headers
        assert parent.build_request(OPERATIONS["agents.get"], {"agent_id": "a1"}).headers is (
            parent.build_request(OPERATIONS["agents.get"], {"agent_id": "a2"}).headers
        )

        clone = parent.with_options(headers={"X-Team": "clone", "X-Extra": "1"})
        cloned = clone.build_request(op, {"agent_id": "a1"}, body=body)
        assert cloned.headers is not first.headers
        assert cloned.headers["X-Team"] == "clone" and cloned.headers["X-Extra"] == "1"
        assert cloned.headers["Content-Type"] == "application/json"
        # The parent is unchanged by its clone.
        again = parent.build_request(op, {"agent_id": "a1"}, body=body)
        assert again.headers is first.headers
        assert again.headers["X-Team"] == "parent" and "X-Extra" not in again.headers

        # A clone with other options only has the same headers (values), in its own dict.
        timed = parent.with_options(timeout=3)
        timed_request = timed.build_request(op, {"agent_id": "a1"}, body=body)
        assert dict(timed_request.headers) == dict(first.headers)

        # Per-call extra headers get a fresh dict; the shared one is not modified.
        extra = parent.build_request(
            op, {"agent_id": "a1"}, body=body, options={"extra_headers": {"X-Once": "y"}}
        )
        assert extra.headers is not first.headers
        assert extra.headers["X-Once"] == "y"
        assert extra.headers["Content-Type"] == "application/json"
        assert "X-Once" not in first.headers

        # A request without a body never carries the body's Content-Type.
        plain = parent.build_request(OPERATIONS["agents.get"], {"agent_id": "a1"})
        assert "Content-Type" not in plain.headers


async def test_clone_json_headers_go_out_on_the_wire() -> None:
    sent: list[Request] = []

    def handler(request: Request) -> Response:
        sent.append(request)
        return _echo_error(request)

    async with _client(handler, headers={"X-Team": "parent"}) as parent:
        clone = parent.with_options(headers={"X-Team": "clone"})
        for client in (parent, clone, parent):
            with pytest.raises(APIStatusError):
                await client.agents.call("a1", to="+14155550100")
    assert [r.headers["X-Team"] for r in sent] == ["parent", "clone", "parent"]
    assert all(r.headers["Content-Type"] == "application/json" for r in sent)


# --- layering: the client does not reach up to the dispatcher --------------------------------
def test_importing_the_client_does_not_import_the_dispatcher() -> None:
    code = (
        "import sys, talkover_async.client; "
        "print(sorted(m for m in sys.modules if m.startswith('talkover_async.dispatch')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_client_module_imports_the_dispatcher_only_lazily() -> None:
    tree = ast.parse((PACKAGE / "client.py").read_text())
    for node in tree.body:  # module level only; `if TYPE_CHECKING:` blocks are for types
        if isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("dispatch"), ast.unparse(node)


def test_the_dispatcher_reads_no_private_client_attribute() -> None:
    found = []
    for path in sorted((PACKAGE / "dispatch").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and "client" in ast.unparse(node.value).lower()
            ):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert found == []
