"""No secret the client knows is reachable from an error it raises, and every error pickles.

The check walks the whole object graph of each raised exception (`tests.canary.
reachable_texts`: attributes, `__dict__`, `__slots__`, `args`, `__context__`, `__cause__`,
`response`, `request`, containers, mapping keys) and asserts that no token, webhook secret,
password or `Authorization` value can be found in it, nor in its pickled bytes.
"""

from __future__ import annotations

import inspect
import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from talkover_async import (
    APIConnectionError,
    APIStatusError,
    AsyncTalkover,
    ResponseDecodeError,
    TalkoverError,
    ValidationError,
    errors,
)
from talkover_async.http import Attempt, Request, Response
from talkover_async.transports import MockTransport

from .canary import (
    AUTH_HEADER,
    CANARY_ACCOUNT_TOKEN,
    CANARY_TOKEN,
    CANARY_WEBHOOK_SECRET,
    find_leaks,
    reachable_texts,
)
from .conftest import drop, free_port, start_app

SIP_PASSWORD = "sipPassw0rd-Kq83hZ"  # noqa: S105 - fake
SFTP_PASSWORD = "sftpPassw0rd-Lx92bY"  # noqa: S105 - fake
PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----"
SECRETS = (CANARY_TOKEN, CANARY_ACCOUNT_TOKEN, CANARY_WEBHOOK_SECRET, SIP_PASSWORD, SFTP_PASSWORD)
KEY_LINE = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"


def leaks_in(exc: BaseException) -> list[str]:
    """Secret fragments reachable from `exc` or present in its pickle."""
    found: set[str] = set()
    texts = list(reachable_texts(exc))
    try:
        texts.append(pickle.dumps(exc).decode("latin-1"))
    except Exception as err:  # noqa: BLE001 - reported as a finding
        found.add(f"<not picklable: {type(err).__name__}>")
    for text in texts:
        if text == AUTH_HEADER:
            found.add(AUTH_HEADER)
            continue
        found.update(find_leaks(text))
        found.update(s for s in (*SECRETS, KEY_LINE) if s in text)
    return sorted(found)


def echo_422(request: Request) -> Response:
    """A server that echoes everything it received into every error field it has."""
    sent = json.loads(request.content) if request.content else {}
    auth = request.headers.get("Authorization", "")
    echoed = json.dumps(sent)
    body = {
        "message": f"The given data was invalid: {echoed} (auth: {auth})",
        "errors": {
            "body": [echoed, auth],
            echoed[:200]: ["the whole body as a field name"],
            "headers": [json.dumps(dict(request.headers))],
        },
        "details": {
            "received": sent,
            "nested": [{"auth": auth, auth: "a header value as a key"}],
            "authorization": auth,
            "raw": echoed,
        },
    }
    return Response(422, {"Content-Type": "application/json", "X-Echo": auth}, json.dumps(body).encode())


def client_for(handler: Callable[[Request], Response], **kw: Any) -> AsyncTalkover:
    return AsyncTalkover(
        CANARY_TOKEN, account_token=CANARY_ACCOUNT_TOKEN, env={}, transport=MockTransport(handler), **kw
    )


CALLS: dict[str, Callable[[AsyncTalkover], Any]] = {
    "agent webhook with a secret": lambda c: c.agents.webhooks.create(
        "a1",
        name="hook",
        webhook_url="https://example.com/hook",
        events=["call.completed"],
        webhook_secret=CANARY_WEBHOOK_SECRET,
        custom_headers=[{"key": "X-Key", "value": CANARY_ACCOUNT_TOKEN}],
    ),
    "sip trunk with a password": lambda c: c.sip_trunks.create(
        name="t", provider_name="p", domain="sip.example.com", username="u", password=SIP_PASSWORD
    ),
    "sftp with a password": lambda c: c.campaigns.sftp.create(
        "c1", host="sftp.example.com", username="u", auth_type="password", password=SFTP_PASSWORD
    ),
    "sftp with a private key": lambda c: c.campaigns.sftp.create(
        "c1", host="sftp.example.com", username="u", auth_type="private_key", private_key=PRIVATE_KEY
    ),
    "a per-call token": lambda c: c.agents.get("a1", token=CANARY_ACCOUNT_TOKEN),
}


@pytest.mark.parametrize("name", list(CALLS))
async def test_422_echoing_the_request_leaves_no_secret_in_the_error(name: str) -> None:
    async with client_for(echo_422) as client:
        with pytest.raises(APIStatusError) as info:
            await CALLS[name](client)
    exc = info.value
    assert isinstance(exc, ValidationError)
    assert leaks_in(exc) == []
    # the server text is still there, minus the secrets
    assert exc.field_errors and exc.details and exc.message
    assert exc.response is not None and exc.response.request is not None
    assert "authorization" not in {k.lower() for k in exc.response.request.headers}


def test_echoing_bodies_are_scrubbed_without_a_client() -> None:
    """Errors built from a response alone (`decode`, `error_from_response`) still lose every
    token-shaped value and every secret-named key, in every attribute."""
    request = Request(
        "POST",
        "http://127.0.0.1/api/v1/agents/a1/webhooks",
        {"Authorization": f"Bearer {CANARY_TOKEN}", "Accept": "application/json"},
        json.dumps({"webhook_secret": CANARY_WEBHOOK_SECRET, "password": SIP_PASSWORD}).encode(),
    )
    response = echo_422(request)
    from talkover_async.envelope import error_from_response

    exc = error_from_response(Response(422, response.headers, response.content, request))
    assert isinstance(exc, ValidationError)
    leaks = leaks_in(exc)
    assert leaks == [], leaks


async def test_response_request_has_no_authorization_header() -> None:
    def handler(request: Request) -> Response:
        assert request.headers["Authorization"] == f"Bearer {CANARY_TOKEN}"  # it was sent
        return Response(404, {}, b'{"message": "not found"}')

    async with client_for(handler) as client:
        with pytest.raises(APIStatusError) as info:
            await client.agents.get("a1")
    request = info.value.response.request  # type: ignore[union-attr]
    assert request is not None
    assert {k.lower() for k in request.headers} == {"accept", "user-agent"}
    assert leaks_in(info.value) == []


async def test_decode_error_on_an_echoing_html_page_leaves_no_secret() -> None:
    def handler(request: Request) -> Response:
        return Response(502, {"Content-Type": "text/html"}, f"<html>{request.headers}</html>".encode())

    async with client_for(handler) as client:
        with pytest.raises(ResponseDecodeError) as info:
            await client.agents.webhooks.create(
                "a1", name="h", webhook_url="https://e.com/h", events=["x"], webhook_secret=CANARY_WEBHOOK_SECRET
            )
    assert leaks_in(info.value) == []


# --- connection errors: nothing of aiohttp's is kept ----------------------------------------------
async def test_connection_errors_keep_no_aiohttp_exception_or_header() -> None:
    port = free_port()
    async with AsyncTalkover(CANARY_TOKEN, env={}, base_url=f"http://127.0.0.1:{port}/api/v1", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as refused:
            await client.agents.get("a1")
    runner, url = await start_app(drop())
    try:
        async with AsyncTalkover(CANARY_TOKEN, env={}, base_url=url, max_retries=0) as client:
            with pytest.raises(APIConnectionError) as dropped:
                await client.agents.call("a1", to="+14155550100")
    finally:
        await runner.cleanup()
    assert refused.value.sent is False and dropped.value.sent is True
    for exc in (refused.value, dropped.value):
        assert exc.__cause__ is None and exc.__context__ is None
        assert leaks_in(exc) == []


async def test_a_context_holding_the_header_is_not_kept() -> None:
    """A transport that fails while handling an exception whose attributes carry the request
    (as aiohttp's `ClientResponseError.request_info` does): the chain is cut at the client."""

    class Failing:
        def __init__(self, request: Request) -> None:
            self.request_info = dict(request.headers)

        def __repr__(self) -> str:
            return f"Failing({self.request_info})"

    class Boom(Exception):
        pass

    def handler(request: Request) -> Response:
        try:
            raise Boom(Failing(request))
        except Boom:
            raise APIConnectionError("connection lost after sending", sent=True)  # noqa: B904

    async with client_for(handler, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.calls.end("c1", agent_id="a1")
    assert leaks_in(info.value) == []


async def test_a_raw_aiohttp_exception_holding_the_header_is_not_reachable() -> None:
    """The real aiohttp exception type whose repr shows the request headers."""
    import aiohttp
    from multidict import CIMultiDict, CIMultiDictProxy
    from yarl import URL

    def handler(request: Request) -> Response:
        info = aiohttp.RequestInfo(
            URL(request.url), request.method, CIMultiDictProxy(CIMultiDict(request.headers)), URL(request.url)
        )
        try:
            raise aiohttp.ClientResponseError(info, (), status=500, message="boom")
        except aiohttp.ClientResponseError:
            raise APIConnectionError("connection lost after sending", sent=True) from None

    async with client_for(handler, max_retries=0) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.agents.get("a1")
    assert leaks_in(info.value) == []


# --- pickling every error type --------------------------------------------------------------------
ERROR_TYPES = [
    obj
    for name in errors.__all__
    if isinstance(obj := getattr(errors, name), type) and issubclass(obj, TalkoverError)
]

_REQUEST = Request(
    "GET",
    "http://127.0.0.1/api/v1/agents/a1",
    {"Accept": "application/json"},
    None,
    operation="agents.get",
    path_template="/agents/{agent_id}",
)
_RESPONSE = Response(
    503, {"Content-Type": "application/json", "X-Request-Id": "r1"}, b'{"message": "x"}', _REQUEST, 0.25
)
#: A value for every constructor parameter an error type may have, by name.
SAMPLES: dict[str, Any] = {
    "message": "something failed for +14155550100",
    "reason": "expected a JSON object",
    "excerpt": "<html>",
    "status_code": 503,
    "code": "SOME_CODE",
    "details": {"a": [1, {"b": None}], "c": "d"},
    "field_errors": {"to": ["is invalid", "is required"]},
    "errors": ["first", "second"],
    "response": _RESPONSE,
    "retry_after": 12.5,
    "sent": True,
    "attempts": (Attempt(1, 503, None, 0.25, 1.0), Attempt(2, None, "APIConnectionError", 0.5)),
    "field": "agent_id",
    "rule": "must be a string id",
    # the dispatcher's ledger errors
    "path": "/tmp/results.jsonl",
    "pid": 4242,
    "line": 7,
    "run": "campaign-week-48",
    "location": "https://example.com/elsewhere",
    "limit": 1024,
    "received": 2048,
    "announced": 4096,
}


_AUTHED = Request(
    "POST",
    "http://127.0.0.1/api/v1/agents/a1/webhooks",
    {"Authorization": f"Bearer {CANARY_TOKEN}", "Accept": "application/json"},
    json.dumps({"password": SIP_PASSWORD, "token": CANARY_TOKEN}).encode(),
)
#: The same parameters, each holding a token-shaped value or a secret-named key.
ECHOED: dict[str, Any] = SAMPLES | {
    "message": f"bad token {CANARY_TOKEN} (Bearer {CANARY_TOKEN})",
    "reason": f"token {CANARY_TOKEN}",
    "excerpt": f"<html>{CANARY_TOKEN}</html>",
    "code": f"X_{CANARY_TOKEN}",
    "details": {
        "webhook_secret": CANARY_WEBHOOK_SECRET,
        "password": SIP_PASSWORD,
        "nested": [{"authorization": f"Bearer {CANARY_TOKEN}"}, f"Bearer {CANARY_TOKEN}"],
        CANARY_TOKEN: "a token as a key",
    },
    "field_errors": {"token": [CANARY_TOKEN], CANARY_TOKEN: ["x"]},
    "errors": [f"invalid token {CANARY_TOKEN}"],
    "response": Response(
        422,
        {"X-Echo": f"Bearer {CANARY_TOKEN}"},
        json.dumps({"message": CANARY_TOKEN, "password": SIP_PASSWORD}).encode(),
        _AUTHED,
    ),
    "location": f"https://user:{SFTP_PASSWORD}@example.com/x?token={CANARY_TOKEN}",
    "rule": f"must not be {CANARY_TOKEN}",
}


def build(cls: type[TalkoverError], samples: dict[str, Any] = SAMPLES) -> TalkoverError:
    """An instance of `cls` with every constructor parameter given a sample value (by
    keyword, walking up the constructors that pass `**kw` on)."""
    kwargs: dict[str, Any] = {}
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters  # type: ignore[misc]
        for name, param in params.items():
            if name == "self" or name in kwargs or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                continue
            if name in samples:
                kwargs[name] = samples[name]
            elif param.default is param.empty:
                raise AssertionError(f"add a sample for {cls.__name__}({name}=...)")
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            break
    return cls(**kwargs)


def state(exc: BaseException) -> dict[str, Any]:
    out = dict(vars(exc))
    response = out.get("response")
    if isinstance(response, Response):
        request = response.request
        out["response"] = (
            response.status_code,
            dict(response.headers),
            response.content,
            response.elapsed,
            response.attempts,
            None if request is None else (request.method, request.url, dict(request.headers), request.operation),
        )
    return out


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_error_types_outside_errors_py_round_trip_too() -> None:
    """The webhooks kit's errors (and any other `TalkoverError` the package defines)."""
    import talkover_async.webhooks  # noqa: F401 - defines its error types

    others = [
        c for c in _subclasses(TalkoverError) if c.__module__.startswith("talkover_async.") and c not in ERROR_TYPES
    ]
    assert {c.__name__ for c in others} >= {"WebhookVerificationError", "WebhookPayloadError"}
    for cls in others:
        exc = build(cls)
        copy = pickle.loads(pickle.dumps(exc))
        assert type(copy) is cls and copy.args == exc.args and state(copy) == state(exc)


def test_every_error_type_is_enumerated() -> None:
    names = {t.__name__ for t in ERROR_TYPES}
    assert {"TalkoverError", "APIStatusError", "APIConnectionError", "RateLimitError"} <= names
    assert len(ERROR_TYPES) >= 17


@pytest.mark.parametrize("cls", ERROR_TYPES, ids=lambda c: c.__name__)
def test_every_error_type_round_trips_through_pickle(cls: type[TalkoverError]) -> None:
    exc = build(cls)
    exc.attempts = SAMPLES["attempts"]
    exc.__notes__ = ["a note"]
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is cls
    assert copy.args == exc.args and str(copy) == str(exc)
    assert state(copy) == state(exc)
    assert copy.attempts == SAMPLES["attempts"]
    # and once more: a round-tripped error round-trips
    assert state(pickle.loads(pickle.dumps(copy))) == state(exc)


def test_duplicate_call_error_pickles_with_its_existing_call() -> None:
    from talkover_async.models.campaigns import CampaignCall
    from talkover_async.serde import structure

    conflict = errors.ConflictError("duplicate", status_code=409, response=_RESPONSE)
    existing = structure({"id": "cc1", "phone_number": "+14155550100", "status": "queued"}, CampaignCall)
    exc = errors.DuplicateCallError.from_conflict(conflict, existing)
    copy = pickle.loads(pickle.dumps(exc))
    assert copy.existing_call == existing
    assert state(copy) == state(exc)


async def test_raised_errors_pickle_without_secrets() -> None:
    """Errors as raised by a client (response, request, attempts) pickle; the pickle holds no
    secret, and unpickles to the same attributes."""
    async with client_for(echo_422) as client:
        with pytest.raises(APIStatusError) as info:
            await CALLS["agent webhook with a secret"](client)
    data = pickle.dumps(info.value)
    assert not find_leaks(data.decode("latin-1"))
    assert CANARY_WEBHOOK_SECRET not in data.decode("latin-1")
    assert state(pickle.loads(data)) == state(info.value)


def test_pickle_drops_a_per_call_token_from_the_request() -> None:
    from talkover_async import Secret

    request = Request("GET", "http://127.0.0.1/api/v1/user", {"Accept": "*/*"}, extensions={"token": Secret(CANARY_TOKEN), "auth": "account"})
    exc = errors.NotFoundError("gone", status_code=404, response=Response(404, {}, b"", request))
    assert leaks_in(exc) == []
    copy = pickle.loads(pickle.dumps(exc))
    assert copy.response.request.extensions == {"auth": "account"}


@pytest.mark.parametrize("cls", ERROR_TYPES, ids=lambda c: c.__name__)
def test_every_error_type_built_from_echoed_secrets_keeps_none(cls: type[TalkoverError]) -> None:
    """Whatever an error is built from, token-shaped values, secret-named keys and the
    `Authorization` header do not survive in it (no client needed)."""
    exc = build(cls, ECHOED)
    assert leaks_in(exc) == []



async def test_client_send_scrubs_errors_too() -> None:
    """`client.send(request)` (a built request, no decoding) cuts the chain as well."""

    def handler(request: Request) -> Response:
        try:
            raise RuntimeError(dict(request.headers))
        except RuntimeError:
            raise APIConnectionError("connection lost after sending", sent=True)  # noqa: B904

    async with client_for(handler, max_retries=0) as client:
        from talkover_async.operations import OPERATIONS

        request = client.build_request(OPERATIONS["agents.get"], {"agent_id": "a1"})
        with pytest.raises(APIConnectionError) as info:
            await client.send(request)
    assert info.value.__context__ is None
    assert leaks_in(info.value) == []
