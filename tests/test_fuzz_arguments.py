"""Fuzzing the argument checks: whatever a caller passes, only a `TalkoverError` escapes.

Every public method of every resource on a client (`client.agents.call`,
`client.campaigns.webhooks.update`...) is called with generated arguments: for each
parameter either a plausible value or a hostile one (text with lone surrogates and control
characters, huge integers, NaN and infinities, nested dicts with odd keys, bytes, sets,
None, plain objects, objects whose `str` raises), plus hostile per-call options. The
transport records requests and answers 200. The outcome must be a result, an
`InvalidRequestError` raised before any request was sent, or another `TalkoverError` after
(a decode error: the canned answer does not fit every model) — never a `TypeError`,
`UnicodeEncodeError`, `KeyError`...

Hypothesis is derandomized (same examples every run, no database); examples per method are
chosen so the whole file stays well under a minute.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkover_async import AsyncTalkover, InvalidRequestError, TalkoverError
from talkover_async.http import Request, Response
from talkover_async.models.calls import CallStatus
from talkover_async.pagination import AsyncPaginator
from talkover_async.resources.base import Resource
from talkover_async.transports import MockTransport

from .conftest import TOKEN

TOTAL_EXAMPLES = 4_000


class BadStr:
    """An object whose text form cannot be computed."""

    def __str__(self) -> str:
        raise ValueError("no text for you")

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        raise ValueError("no text for you")


class Unhashable:
    __hash__ = None  # type: ignore[assignment]


def public_methods() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(dotted name, method name, path of resource attributes) of every public method."""
    client = AsyncTalkover(TOKEN, env={}, transport=MockTransport(lambda r: Response(200)))
    seen: set[int] = set()

    def walk(obj: object, path: tuple[str, ...]) -> Iterator[tuple[str, str, tuple[str, ...]]]:
        for name in sorted(dir(obj)):
            if name.startswith("_"):
                continue
            value = getattr(obj, name)
            if isinstance(value, Resource):
                if id(value) not in seen:
                    seen.add(id(value))
                    yield from walk(value, (*path, name))
            elif isinstance(obj, Resource) and callable(value):
                yield ".".join((*path, name)), name, path

    yield from walk(client, ())


METHODS = list(public_methods())
EXAMPLES = max(30, math.ceil(TOTAL_EXAMPLES / max(len(METHODS), 1)))
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- values -------------------------------------------------------------------------------------
ODD_TEXT = [
    "\ud800",
    "a\udfffb",
    "\udc80\udcff",
    "\x00",
    "a\r\nX-Injected: 1",
    "../x",
    "%2e%2e",
    "",
    " ",
    "é",
    "😀",
    "+14155550100\n",
    "x" * 300,
    "\u202e",
]
HUGE_INTS = [10**30, 2**63, 2**64, -(2**63) - 1, -(10**30), 10**400]
FLOATS = [float("nan"), float("inf"), float("-inf"), -0.0, 1e308, 5e-324]
text = st.text(st.characters(exclude_categories=()), max_size=12) | st.sampled_from(ODD_TEXT)
scalars = st.one_of(
    text,
    st.integers(min_value=-(2**200), max_value=2**200),
    st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(FLOATS),
    st.booleans(),
    st.none(),
    st.binary(max_size=8),
    st.builds(object),
    st.builds(BadStr),
    st.builds(Unhashable),
    st.just(date(2024, 1, 1)),
    st.just(CallStatus.COMPLETED),
)
keys = st.one_of(text, st.integers(), st.none(), st.booleans(), st.floats(), st.just(("t", 1)))
hostile = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.frozensets(st.integers(), max_size=2),
        st.dictionaries(keys, children, max_size=3),
        st.dictionaries(text, children, max_size=3),
    ),
    max_leaves=6,
)

#: Plausible values by parameter name, so hostile values also reach the later checks (the
#: body encoding) rather than stopping at the first argument.
PLAUSIBLE: dict[str, Any] = {
    "to": "+14155550100",
    "number": "+14155550100",
    "name": "n",
    "label": "l",
    "webhook_url": "https://example.com/hook",
    "events": ["call.completed"],
    "start_date": "2024-01-01",
    "end_date": "2024-01-31",
    "date_from": "2024-01-01",
    "date_to": "2024-01-31",
    "country_code": "US",
    "host": "sftp.example.com",
    "domain": "sip.example.com",
    "username": "u",
    "password": "pw-123456",
    "auth_type": "password",
    "reason": "no longer needed here",
    "amount": 10.0,
    "status": "completed",
    "direction": "outbound",
    "subject": "s",
    "instructions": "i",
    "description": "d",
    "payload": {"k": "v"},
    "context": {"k": "v"},
    "conversation_mode": "single_prompt",
    "source_agent_ids": ["a2"],
    "days_of_week": [1, 2],
}
OPTION_NAMES = [
    "timeout",
    "deadline",
    "max_retries",
    "extra_headers",
    "extra_query",
    "extra_body",
    "token",
    "no_such_option",
]


def plausible(param: inspect.Parameter) -> Any:
    if param.name in PLAUSIBLE:
        return PLAUSIBLE[param.name]
    if param.name.endswith("_id") or param.name.endswith("_ids"):
        return "id1" if param.name.endswith("_id") else ["id1"]
    annotation = str(param.annotation)
    for marker, value in (("bool", True), ("int", 1), ("float", 1.0), ("Sequence", []), ("Mapping", {})):
        if annotation.startswith(marker):
            return value
    return "x1"


@st.composite
def arguments(draw: st.DrawFn, params: list[inspect.Parameter]) -> tuple[list[Any], dict[str, Any], dict[str, Any]]:
    """Positional args, keyword args and request options for one call: one target parameter
    (or an option) gets a hostile value, the others mostly a plausible one."""
    target = draw(st.integers(0, len(params))) if params else 0
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for i, param in enumerate(params):
        if i == target or draw(st.integers(0, 4)) == 0:
            value = draw(hostile)
        elif param.default is not param.empty and draw(st.booleans()):
            continue
        else:
            value = plausible(param)
        if param.kind is param.POSITIONAL_OR_KEYWORD and len(args) == i:
            args.append(value)
        else:
            kwargs[param.name] = value
    options: dict[str, Any] = {}
    if target == len(params) or draw(st.integers(0, 5)) == 0:
        options = draw(st.dictionaries(st.sampled_from(OPTION_NAMES), hostile, min_size=1, max_size=2))
    return args, kwargs, options


def _find(client: AsyncTalkover, path: tuple[str, ...], name: str) -> Callable[..., Any]:
    obj: Any = client
    for part in path:
        obj = getattr(obj, part)
    method: Callable[..., Any] = getattr(obj, name)
    return method


async def _outcome(call: Callable[[], Any]) -> None:
    result = call()
    if isinstance(result, AsyncPaginator) or inspect.isawaitable(result):
        result = await result


@pytest.mark.parametrize(("dotted", "name", "path"), METHODS, ids=[m[0] for m in METHODS])
def test_arguments_only_raise_talkover_errors(dotted: str, name: str, path: tuple[str, ...]) -> None:
    sent: list[Request] = []

    def handler(request: Request) -> Response:
        sent.append(request)
        return Response(200, {"Content-Type": "application/json"}, b'{"success": true, "data": {}}')

    loop = asyncio.new_event_loop()
    client = AsyncTalkover(TOKEN, env={}, transport=MockTransport(handler), max_retries=0)
    method = _find(client, path, name)
    params = [
        p
        for p in inspect.signature(method).parameters.values()
        if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]
    escaped: list[str] = []

    @SETTINGS
    @given(arguments(params))
    def check(call_args: tuple[list[Any], dict[str, Any], dict[str, Any]]) -> None:
        args, kwargs, options = call_args
        before = len(sent)
        try:
            loop.run_until_complete(_outcome(lambda: method(*args, **kwargs, **options)))
        except InvalidRequestError as exc:
            assert len(sent) == before, f"{dotted}: InvalidRequestError after sending ({exc})"
        except TalkoverError:
            pass
        except BaseException as exc:  # noqa: BLE001 - what this test is about
            where = ", ".join(
                [*(type(a).__name__ for a in args), *(f"{k}={type(v).__name__}" for k, v in {**kwargs, **options}.items())]
            )
            escaped.append(f"{dotted}({where}): {type(exc).__name__}: {str(exc)[:200]}")
            raise AssertionError(escaped[-1]) from None

    try:
        check()
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()
    assert not escaped


def test_every_resource_method_is_fuzzed() -> None:
    names = {m[0] for m in METHODS}
    assert {"agents.call", "calls.end", "campaigns.webhooks.update", "sip_trunks.dids.create"} <= names
    assert len(METHODS) >= 80


# --- the cases the review found, and where they are fixed ------------------------------------------
@pytest.fixture
def recorder() -> tuple[AsyncTalkover, list[Request]]:
    sent: list[Request] = []

    def handler(request: Request) -> Response:
        sent.append(request)
        return Response(200, {}, b'{"success": true, "data": {"id": "a1", "name": "n"}}')

    return AsyncTalkover(TOKEN, env={}, transport=MockTransport(handler)), sent


async def test_lone_surrogate_in_a_path_id(recorder: tuple[AsyncTalkover, list[Request]]) -> None:
    client, sent = recorder
    for bad in ("\ud800", "a\udfff", "\udc80" * 3):
        with pytest.raises(InvalidRequestError) as info:
            await client.agents.get(bad)
        assert info.value.field == "agent_id"
    assert sent == []


async def test_huge_int_in_a_body(recorder: tuple[AsyncTalkover, list[Request]]) -> None:
    client, sent = recorder
    with pytest.raises(InvalidRequestError) as info:
        await client.calls.end(10**30, agent_id="a1")  # type: ignore[arg-type]
    assert info.value.field == "call_sid"  # the body field it is sent as
    assert sent == []


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ({"n": 2**64}, "integer"),
        ({"s": "\ud800"}, "surrogate"),
        ({"b": b"bytes"}, "serializable"),
        ({"o": object()}, "serializable"),
        ({"d": {("t", 1): 1}}, "key"),
        ({"f": float("nan")}, "finite"),
        ({"f": [float("inf")]}, "finite"),
    ],
)
async def test_payload_that_cannot_be_json_names_the_argument(
    recorder: tuple[AsyncTalkover, list[Request]], value: dict[str, Any], why: str
) -> None:
    client, sent = recorder
    with pytest.raises(InvalidRequestError) as info:
        await client.agents.call("a1", to="+14155550100", payload=value)
    assert info.value.field == "payload"
    assert why in info.value.rule
    with pytest.raises(InvalidRequestError) as extra:
        await client.agents.get("a1", extra_body=value)
    assert extra.value.field.startswith("extra_body")
    assert sent == []


async def test_query_values_that_cannot_be_encoded(recorder: tuple[AsyncTalkover, list[Request]]) -> None:
    client, sent = recorder
    for bad in ("\ud800", BadStr(), b"\xff", {"a": 1}):
        with pytest.raises(InvalidRequestError) as info:
            await client.agents.get("a1", extra_query={"q": bad})
        assert info.value.field == "extra_query['q']"
    with pytest.raises(InvalidRequestError):
        await client.calls.list(search="\ud800")
    assert sent == []


async def test_header_values_and_options_that_cannot_be_sent(recorder: tuple[AsyncTalkover, list[Request]]) -> None:
    client, sent = recorder
    bad_options: list[dict[str, Any]] = [
        {"extra_headers": {"X-A": "\ud800"}},
        {"extra_headers": {"X-A": "é\udc80"}},
        {"extra_headers": ["not", "a", "mapping"]},
        {"extra_query": "q=1"},
        {"extra_body": [1, 2]},
        {"timeout": "soon"},
        {"timeout": float("nan")},
        {"timeout": -1},
        {"deadline": float("inf")},
        {"max_retries": True},
        {"token": 12},
        {"token": "talq_has space"},
        {"no_such_option": 1},
    ]
    for options in bad_options:
        with pytest.raises(InvalidRequestError):
            await client.agents.get("a1", **options)
    assert sent == []


async def test_unhashable_choice_values(recorder: tuple[AsyncTalkover, list[Request]]) -> None:
    client, sent = recorder
    for bad in ({"a": 1}, ["completed"], Unhashable()):
        with pytest.raises(InvalidRequestError) as info:
            client.calls.list(status=bad)  # type: ignore[arg-type]
        assert info.value.field == "status"
    assert sent == []
