"""Input security: hostile tokens, headers, ids and sizes are refused before any I/O, and
webhook signatures are verified strictly, in constant time.

Requests are recorded by a `MockTransport`, so "before any I/O" means the transport saw
nothing; the URL checks also run over loopback, where aiohttp and yarl could re-encode.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from aiohttp import web

from talkover_async import AsyncTalkover, ConfigurationError, InvalidRequestError, TalkoverError
from talkover_async.http import Request, Response
from talkover_async.operations import OPERATIONS
from talkover_async.transports import MockTransport
from talkover_async.webhooks import (
    SIGNATURE_HEADER,
    WebhookReceiver,
    WebhookVerificationError,
    ensure_signature,
    sign,
    verify_signature,
)

from .canary import CANARY_TOKEN, CANARY_WEBHOOK_SECRET, find_leaks
from .conftest import TOKEN, start_app

BASE = "https://app.talkover.ai/api/v1"
AGENT = b'{"success": true, "data": {"id": "a1"}}'

CONTROL_CHARS = ["\r", "\n", "\r\n", "\x00", "\x07", "\x1b", "\x7f"]
#: Ids that would change the path if pasted into it raw.
PATH_TRICKS = [
    "../x",
    "../../user/api-tokens",
    "a/b",
    "/abs",
    "a/../../b",
    "%2e%2e",
    "%2E%2E%2Fx",
    "..%2f",
    "%2f",
    "a?b=c",
    "a#frag",
    "a b",
    "a\\b",
    "a;b=c",
    "...",
    "~",
    "@evil.example",
    "//evil.example/x",
    "é/ü",
    "🙂",
]
#: Ids refused outright.
PATH_REFUSED = ["..", ".", "", "a\r\nb", "a\x00", "x" * 257]


class Recorder:
    """A mock transport handler that remembers every request it is given."""

    def __init__(self, body: bytes = AGENT, status: int = 200) -> None:
        self.requests: list[Request] = []
        self.body = body
        self.status = status

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        return Response(self.status, {"Content-Type": "application/json"}, self.body)


@pytest.fixture
async def recorded() -> AsyncIterator[tuple[AsyncTalkover, Recorder]]:
    recorder = Recorder()
    async with AsyncTalkover(TOKEN, env={}, transport=MockTransport(recorder)) as client:
        yield client, recorder


# --- tokens --------------------------------------------------------------------------------------
@pytest.mark.parametrize("char", [*CONTROL_CHARS, " ", "\t", "\u2028", "\x85"])
@pytest.mark.parametrize("where", ["token", "account_token"])
def test_token_with_control_or_space_is_refused_at_construction(where: str, char: str) -> None:
    bad = f"talq_abc{char}X-Injected: 1"
    with pytest.raises(ConfigurationError) as info:
        AsyncTalkover(env={}, transport=MockTransport(Recorder()), **{where: bad})
    assert "X-Injected" not in str(info.value) and "talq_abc" not in str(info.value)


@pytest.mark.parametrize("char", CONTROL_CHARS)
def test_environment_token_with_inner_control_char_is_refused(char: str) -> None:
    with pytest.raises(ConfigurationError):
        AsyncTalkover(env={"TALKOVER_API_TOKEN": f"talq_abc{char}def"})


def test_environment_token_trailing_newline_is_trimmed_not_sent() -> None:
    client = AsyncTalkover(env={"TALKOVER_API_TOKEN": "talq_abcdef\n"})
    assert client._token is not None and client._token.get_secret_value() == "talq_abcdef"


@pytest.mark.parametrize("char", CONTROL_CHARS)
async def test_per_call_token_with_control_char_is_refused_before_io(
    recorded: tuple[AsyncTalkover, Recorder], char: str
) -> None:
    client, recorder = recorded
    with pytest.raises(TalkoverError) as info:
        await client.agents.get("a1", token=f"{CANARY_TOKEN}{char}X-Injected: 1")
    assert recorder.requests == []
    assert not find_leaks(str(info.value))


# --- headers -------------------------------------------------------------------------------------
BAD_HEADER_NAMES = ["X-Evil\r\nInjected", "X Bad", "X:Bad", "", "X-Ü", "X-Evil\n", "\x00"]
FRAMING_NAMES = ["Content-Length", "transfer-encoding", "Connection", "Upgrade", "TE"]


@pytest.mark.parametrize("char", CONTROL_CHARS)
def test_client_header_value_with_control_char_is_refused(char: str) -> None:
    with pytest.raises(InvalidRequestError):
        AsyncTalkover(TOKEN, env={}, headers={"X-App": f"a{char}Injected: 1"})


@pytest.mark.parametrize("name", BAD_HEADER_NAMES + FRAMING_NAMES)
def test_client_header_name_that_is_not_a_token_or_frames_is_refused(name: str) -> None:
    with pytest.raises(InvalidRequestError):
        AsyncTalkover(TOKEN, env={}, headers={name: "1"})


@pytest.mark.parametrize("char", CONTROL_CHARS)
async def test_extra_header_value_with_control_char_is_refused_before_io(
    recorded: tuple[AsyncTalkover, Recorder], char: str
) -> None:
    client, recorder = recorded
    with pytest.raises(InvalidRequestError):
        await client.agents.get("a1", extra_headers={"X-Trace": f"t{char}Injected: 1"})
    with pytest.raises(InvalidRequestError):
        await client.agents.call("a1", to="+14155550100", extra_headers={"X-T": f"t{char}"})
    assert recorder.requests == []


@pytest.mark.parametrize("name", BAD_HEADER_NAMES + FRAMING_NAMES)
async def test_extra_header_bad_name_is_refused_before_io(
    recorded: tuple[AsyncTalkover, Recorder], name: str
) -> None:
    client, recorder = recorded
    with pytest.raises(InvalidRequestError):
        await client.agents.get("a1", extra_headers={name: "1"})
    assert recorder.requests == []


def test_with_options_headers_are_checked_too() -> None:
    client = AsyncTalkover(TOKEN, env={}, transport=MockTransport(Recorder()))
    with pytest.raises(InvalidRequestError):
        client.with_options(headers={"X-A": "a\r\nb"})
    with pytest.raises(InvalidRequestError):
        client.with_options(headers={"X A": "a"})


async def test_authorization_cannot_be_replaced_through_headers(
    recorded: tuple[AsyncTalkover, Recorder],
) -> None:
    client, recorder = recorded
    await client.agents.get("a1", extra_headers={"Authorization": "Bearer talq_other"})
    assert recorder.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("char", CONTROL_CHARS)
async def test_webhook_custom_header_value_with_control_char_is_refused(
    recorded: tuple[AsyncTalkover, Recorder], char: str
) -> None:
    client, recorder = recorded
    with pytest.raises(InvalidRequestError) as info:
        await client.agents.webhooks.create(
            "a1",
            name="n",
            webhook_url="https://example.com/hook",
            events=["event_phone_call_ended"],
            custom_headers=[{"key": "X-Key", "value": f"{CANARY_WEBHOOK_SECRET}{char}X: 1"}],
        )
    with pytest.raises(InvalidRequestError):
        await client.agents.webhooks.create(
            "a1",
            name="n",
            webhook_url="https://example.com/hook",
            events=["event_phone_call_ended"],
            custom_headers=[{"key": f"X-Key{char}", "value": "v"}],
        )
    assert recorder.requests == []
    assert CANARY_WEBHOOK_SECRET not in str(info.value)


# --- path parameters -----------------------------------------------------------------------------
def _expected_path(template: str, value: str) -> str:
    return "/api/v1" + template.format_map(_All(quote(value, safe="")))


class _All(dict[str, str]):
    """`format_map` helper: every placeholder gets the same value."""

    def __init__(self, value: str) -> None:
        super().__init__()
        self.value = value

    def __missing__(self, key: str) -> str:
        return self.value


def _assert_segment_is_opaque(url: str, template: str, value: str) -> None:
    path = urlsplit(url).path
    assert path == _expected_path(template, value), (url, value)
    # the path has exactly the template's segments, and each id decodes back to itself
    segments = path.split("/")
    assert len(segments) == len(("/api/v1" + template).split("/"))
    for segment, part in zip(segments, ("/api/v1" + template).split("/"), strict=True):
        if part.startswith("{"):
            assert segment not in (".", "..") and "/" not in segment
            assert unquote(segment) == value


PATH_OPERATIONS = sorted(name for name, op in OPERATIONS.items() if op.path_params)


@pytest.mark.parametrize("op_name", PATH_OPERATIONS)
def test_every_path_parameter_of_every_operation_is_encoded(op_name: str) -> None:
    op = OPERATIONS[op_name]
    client = AsyncTalkover(TOKEN, env={}, transport=MockTransport(Recorder()))
    for value in PATH_TRICKS:
        request = client.build_request(op, dict.fromkeys(op.path_params, value))
        assert urlsplit(request.url).query == ""
        assert urlsplit(request.url).fragment == ""
        assert urlsplit(request.url).netloc == "app.talkover.ai"
        _assert_segment_is_opaque(request.url, op.path, value)
    for value in PATH_REFUSED:
        with pytest.raises(InvalidRequestError):
            client.build_request(op, dict.fromkeys(op.path_params, value))
    with pytest.raises(InvalidRequestError, match="path parameter"):  # one missing
        client.build_request(op, dict.fromkeys(op.path_params[1:], "x"))


@pytest.mark.parametrize("value", PATH_TRICKS)
async def test_resource_methods_send_the_exact_encoded_url(
    recorded: tuple[AsyncTalkover, Recorder], value: str
) -> None:
    client, recorder = recorded
    await client.agents.get(value)
    await client.agents.delete(value)
    assert [r.url for r in recorder.requests] == [f"{BASE}/agents/{quote(value, safe='')}"] * 2


@pytest.mark.parametrize("value", PATH_REFUSED)
async def test_refused_ids_never_reach_the_transport(
    recorded: tuple[AsyncTalkover, Recorder], value: str
) -> None:
    client, recorder = recorded
    calls: list[Callable[[], Any]] = [
        lambda: client.agents.get(value),
        lambda: client.agents.call(value, to="+14155550100"),
        lambda: client.agents.webhooks.get("a1", value),
        lambda: client.agents.calls(value),
        lambda: client.calls.end(value, agent_id="a1"),
    ]
    for make in calls:
        with pytest.raises(InvalidRequestError):
            await make()
    assert recorder.requests == []


async def test_query_values_cannot_add_parameters(
    recorded: tuple[AsyncTalkover, Recorder],
) -> None:
    client, recorder = recorded
    recorder.body = b'{"success": true, "data": [], "meta": {"current_page": 1, "last_page": 1}}'
    await client.agents.list(search="x&status=active#frag")
    parts = urlsplit(recorder.requests[0].url)
    assert parts.fragment == ""
    assert parse_qs(parts.query) == {"search": ["x&status=active#frag"], "page": ["1"]}


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\x00", " "])
async def test_trailing_newline_does_not_slip_past_format_checks(
    recorded: tuple[AsyncTalkover, Recorder], suffix: str
) -> None:
    """`re.match(r"...$")` accepts a trailing newline; the checks must not."""
    client, recorder = recorded
    with pytest.raises(InvalidRequestError):
        await client.agents.call("a1", to="+14155550100" + suffix)
    with pytest.raises(InvalidRequestError):
        client.calls.list(date_from="2024-01-01" + suffix)
    assert recorder.requests == []


async def test_ids_are_sent_encoded_over_loopback() -> None:
    """aiohttp and yarl send the encoded path as built: no normalisation of `..` or `%2F`."""
    raw_paths: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        raw_paths.append(request.raw_path)
        return web.json_response({"success": True, "data": {"id": "a1"}})

    runner, url = await start_app(handler)
    try:
        async with AsyncTalkover(TOKEN, base_url=url, env={}) as client:
            for value in PATH_TRICKS:
                await client.agents.get(value)
    finally:
        await runner.cleanup()
    assert raw_paths == [f"/api/v1/agents/{quote(v, safe='')}" for v in PATH_TRICKS]


# --- sizes ---------------------------------------------------------------------------------------
LONG = "x" * 10_000


async def test_oversized_arguments_are_refused_before_io(
    recorded: tuple[AsyncTalkover, Recorder],
) -> None:
    client, recorder = recorded
    hook = {
        "name": "n",
        "webhook_url": "https://example.com/h",
        "events": ["event_phone_call_ended"],
    }
    attempts: dict[str, Callable[[], Any]] = {
        "agent id 257": lambda: client.agents.get("a" * 257),
        "agent id 10k": lambda: client.agents.get(LONG),
        "webhook id 257": lambda: client.agents.webhooks.get("a1", "w" * 257),
        "calls agent_id filter": lambda: client.calls.list(agent_id="a" * 257),
        "agents search 256": lambda: client.agents.list(search="s" * 256),
        "calls search 256": lambda: client.calls.list(search="s" * 256),
        "phone search 256": lambda: client.phone_numbers.list(search="s" * 256),
        "webhook name 256": lambda: client.agents.webhooks.create(
            "a1", **{**hook, "name": "n" * 256}
        ),
        "webhook url 501": lambda: client.agents.webhooks.create(
            "a1", **{**hook, "webhook_url": "https://example.com/" + "p" * 481}
        ),
        "webhook secret 256": lambda: client.agents.webhooks.create(
            "a1", **hook, webhook_secret="whsec_" + "s" * 250
        ),
        "release reason 501": lambda: client.phone_numbers.request_release("p1", reason="r" * 501),
        "training subject 256": lambda: client.agents.trainings.create(
            "a1", subject="s" * 256, instructions="i"
        ),
        "custom header key 256": lambda: client.agents.webhooks.create(
            "a1", **hook, custom_headers=[{"key": "K" * 256, "value": "v"}]
        ),
    }
    for label, make in attempts.items():
        with pytest.raises(InvalidRequestError) as info:
            result = make()
            if hasattr(result, "__await__"):
                await result
        assert len(str(info.value)) < 300, label  # the error names the rule, not the value
    assert recorder.requests == []


async def test_documented_maximum_is_accepted(recorded: tuple[AsyncTalkover, Recorder]) -> None:
    client, recorder = recorded
    await client.agents.get("a" * 256)
    assert recorder.requests[-1].url == f"{BASE}/agents/{'a' * 256}"


# --- webhook signatures --------------------------------------------------------------------------
BODY = b'{"event":"event_phone_call_ended","call_id":"c1","to":"+14155550100"}'
SECRET = CANARY_WEBHOOK_SECRET


def test_valid_signature_is_accepted() -> None:
    signature = sign(BODY, SECRET)
    assert signature == hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert verify_signature(BODY, signature, SECRET)
    ensure_signature(BODY, signature, SECRET)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda b: b + b" ",
        lambda b: b[:-1],
        lambda b: b.replace(b"c1", b"c2"),
        lambda b: b.replace(b"+14155550100", b"+14155550101"),
        lambda b: b"",
        lambda b: b.upper(),
    ],
)
def test_tampered_body_is_rejected(tamper: Callable[[bytes], bytes]) -> None:
    signature = sign(BODY, SECRET)
    assert not verify_signature(tamper(BODY), signature, SECRET)
    with pytest.raises(WebhookVerificationError) as info:
        ensure_signature(tamper(BODY), signature, SECRET)
    assert info.value.reason == "mismatch"


def test_wrong_secret_is_rejected() -> None:
    for other in ("whsec_other", SECRET + "x", SECRET[:-1], SECRET.upper()):
        assert not verify_signature(BODY, sign(BODY, other), SECRET)
    with pytest.raises(WebhookVerificationError) as info:
        ensure_signature(BODY, sign(BODY, "whsec_other"), SECRET)
    assert SECRET not in str(info.value) and sign(BODY, SECRET) not in str(info.value)


@pytest.mark.parametrize("signature", [None, "", " ", "\t\r\n", b"", "sha256=", "sha256= "])
def test_missing_or_empty_signature_is_rejected(signature: str | bytes | None) -> None:
    assert not verify_signature(BODY, signature, SECRET)
    with pytest.raises(WebhookVerificationError) as info:
        ensure_signature(BODY, signature, SECRET)
    assert info.value.reason in ("missing", "malformed")


@pytest.mark.parametrize(
    "signature",
    ["00", "z" * 64, sign(BODY, SECRET)[:-1], sign(BODY, SECRET) + "0", "sha1=" + "0" * 40],
)
def test_malformed_signature_is_rejected(signature: str) -> None:
    assert not verify_signature(BODY, signature, SECRET)


def test_empty_secret_never_verifies() -> None:
    empty_key_signature = hmac.new(b"", BODY, hashlib.sha256).hexdigest()
    for secret in ("", b"", []):
        assert not verify_signature(BODY, empty_key_signature, secret)


def test_signature_comparison_uses_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    good = sign(BODY, SECRET)
    assert verify_signature(BODY, good, SECRET)
    assert not verify_signature(BODY, sign(BODY, "whsec_other"), SECRET)
    with pytest.raises(WebhookVerificationError):
        ensure_signature(BODY, sign(BODY, "whsec_other"), SECRET)
    assert len(calls) == 3
    # With several secrets (rotation) every one is compared: no early exit on a match.
    calls.clear()
    assert verify_signature(BODY, good, [SECRET, "whsec_b", "whsec_c"])
    assert len(calls) == 3


async def test_receiver_rejects_tampered_and_unsigned_deliveries() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    good = await receiver.process(BODY, {SIGNATURE_HEADER: sign(BODY, SECRET)})
    tampered = await receiver.process(BODY + b" ", {SIGNATURE_HEADER: sign(BODY, SECRET)})
    unsigned = await receiver.process(BODY, {})
    wrong = await receiver.process(BODY, {SIGNATURE_HEADER: sign(BODY, "whsec_other")})
    assert good.status < 300
    assert (tampered.status, unsigned.status, wrong.status) == (401, 401, 401)
