"""The secret canary: it catches leaks, and `repr` of the client and of every model is clean.

The autouse canary (`tests/canary.py`) watches logs and error texts in every test; reprs of
objects nobody logs cannot be watched that way, so this file builds one of each and checks it.
"""

from __future__ import annotations

import logging
from typing import Any

import attrs
import pytest

from talkover_async import AsyncTalkover, Secret, TalkoverError
from talkover_async.errors import APIStatusError, ResponseDecodeError
from talkover_async.http import Request, Response
from talkover_async.middleware import AuthMiddleware, LoggingMiddleware, RetryMiddleware
from talkover_async.operations import OPERATIONS, decode
from talkover_async.pagination import Page
from talkover_async.redaction import Redactor
from talkover_async.serde import structure
from talkover_async.transports import MockTransport

from .canary import (
    CANARY_ACCOUNT_TOKEN,
    CANARY_PHONE,
    CANARY_TOKEN,
    CANARY_VALUES,
    CANARY_WEBHOOK_SECRET,
    Canary,
    find_leaks,
)
from .modelgen import all_models, is_secret_field, json_key, model_data

pytest_plugins = ["pytester"]


# --- the canary itself ---------------------------------------------------------------------------
def test_find_leaks_sees_tokens_and_secrets_but_not_redacted_text() -> None:
    for value in CANARY_VALUES:
        assert find_leaks(f"x {value} y"), value
    assert find_leaks("Bearer talq_live_abc123")
    assert find_leaks('{"webhook_secret": "whsec_abc"}')
    assert not find_leaks("Bearer talq_*** and whsec_*** and +1******0199")
    assert not find_leaks("the API token does not start with 'talq_'")


def test_the_canary_watches_this_test(canary: Canary) -> None:
    logger = logging.getLogger("talkover_async")
    assert logger.isEnabledFor(logging.DEBUG)
    before = canary.errors_seen
    TalkoverError("some failure")
    assert canary.errors_seen == before + 1
    assert canary.leaks == []


_LEAKY_TESTS = f"""
import logging
import pytest
from talkover_async import TalkoverError

def test_clean():
    logging.getLogger("talkover_async").debug("request with Bearer talq_***")

def test_log_leak():
    logging.getLogger("talkover_async.webhooks").debug("secret is {CANARY_WEBHOOK_SECRET}")

def test_error_leak():
    with pytest.raises(TalkoverError):
        exc = TalkoverError("failed")
        exc.args = ("failed with {CANARY_ACCOUNT_TOKEN}",)
        raise exc

def test_escaping_error_leak():
    raise RuntimeError("{CANARY_TOKEN}")

@pytest.mark.canary_exempt
def test_exempt():
    logging.getLogger("talkover_async").warning("{CANARY_TOKEN}")
"""


@pytest.mark.canary_exempt  # the inner run leaks on purpose, in this process
def test_canary_fails_tests_that_leak(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leaky=_LEAKY_TESTS)
    result = pytester.runpytest_inprocess(
        "-p", "tests.canary", "-p", "no:asyncio", "-p", "no:cacheprovider", "-q"
    )
    outcomes = result.parseoutcomes()
    # test_log_leak / test_error_leak fail at teardown (errors); the escaping one fails.
    assert outcomes.get("passed") == 4, result.stdout.str()
    assert outcomes.get("errors") == 2 and outcomes.get("failed") == 1, result.stdout.str()
    out = result.stdout.str()
    assert "secret canary" in out


# --- reprs ---------------------------------------------------------------------------------------
MODELS = all_models()


def test_every_model_module_is_covered() -> None:
    names = {m.__name__ for m in MODELS}
    assert {"Agent", "Call", "AgentWebhook", "CustomHeader", "Ack"} <= names
    assert len(MODELS) >= 20


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_model_builds_strictly_and_repr_hides_secrets(model: type[Any]) -> None:
    minimal = structure(model_data(model, full=False), model, strict=True)
    full = structure(model_data(model, full=True, secret=CANARY_WEBHOOK_SECRET), model, strict=True)
    with_token = structure(model_data(model, full=True, secret=CANARY_TOKEN), model, strict=True)
    unknown = {"api_token": CANARY_TOKEN, "password": CANARY_ACCOUNT_TOKEN}
    lenient = structure(model_data(model) | unknown, model)  # kept in `extra`, out of repr
    for obj in (minimal, full, with_token, lenient):
        text = repr(obj)
        assert text.startswith(model.__name__) or model.__name__ in text
        assert not find_leaks(text), text


def test_a_model_with_a_secret_field_exists() -> None:
    """The check above means something: some models hold secrets (webhook secrets, header
    values, API tokens once that area lands)."""
    holders = [m for m in MODELS if any(is_secret_field(m, json_key(f)) for f in attrs.fields(m))]
    assert holders, "no model holds a secret field"


async def test_client_transport_and_middleware_reprs() -> None:
    def handler(request: Request) -> Response:
        return Response(200, {}, b'{"success": true, "data": {"id": "a1"}}')

    client = AsyncTalkover(
        CANARY_TOKEN,
        account_token=CANARY_ACCOUNT_TOKEN,
        env={},
        transport=MockTransport(handler),
        headers={"X-App": "canary"},
    )
    aiohttp_client = AsyncTalkover(CANARY_TOKEN, env={}, base_url="http://127.0.0.1:9/api/v1")
    async with client, aiohttp_client:
        derived = client.with_options(timeout=1.0)
        request = client.build_request(
            OPERATIONS["agents.call"],
            {"agent_id": "a1"},
            body={"to": "+14155550100", "webhook_secret": CANARY_WEBHOOK_SECRET},
        ).with_headers({"Authorization": f"Bearer {CANARY_TOKEN}"})
        response = Response(200, {"Set-Cookie": CANARY_TOKEN}, CANARY_TOKEN.encode(), request)
        page = Page.from_pagination([], None, 1)
        objects: list[object] = [
            client,
            derived,
            aiohttp_client,
            aiohttp_client.transport,
            Secret(CANARY_TOKEN),
            request,
            response,
            page,
            AuthMiddleware(Secret(CANARY_TOKEN), Secret(CANARY_ACCOUNT_TOKEN)),
            LoggingMiddleware(Redactor([CANARY_TOKEN])),
            RetryMiddleware(),
            client.agents,
            client.agents.list(),
            client._redactor,
        ]
        texts = [repr(o) for o in objects] + [str(o) for o in objects]
    for text in texts:
        assert not find_leaks(text), text


def test_errors_built_from_echoing_bodies_are_redacted() -> None:
    body = (
        f'{{"success": false, "message": "bad token {CANARY_TOKEN} Bearer {CANARY_TOKEN}",'
        f' "code": "X"}}'
    )
    for status in (400, 401, 422, 429, 500):
        with pytest.raises(APIStatusError) as info:
            decode("agents.get", status, body)
        assert not find_leaks(str(info.value) + repr(info.value))
    with pytest.raises(ResponseDecodeError) as decode_info:
        decode("agents.get", 502, f"<html>{CANARY_TOKEN}</html>")
    assert not find_leaks(str(decode_info.value) + decode_info.value.excerpt)


_ATTRIBUTE_LEAKS = f"""
import threading
from talkover_async import TalkoverError

def test_clean_attributes():
    exc = TalkoverError("failed")
    exc.details = {{"token": "talq_***", "nested": ["fine"]}}

def test_a_phone_number_in_an_attribute_is_data():
    exc = TalkoverError("failed")
    exc.details = {{"to": "{CANARY_PHONE}"}}  # programs read it; only logs mask it

def test_leak_in_a_nested_attribute():
    exc = TalkoverError("failed")
    exc.details = {{"nested": [{{"deep": "{CANARY_WEBHOOK_SECRET}"}}]}}

def test_leak_in_the_context():
    try:
        raise RuntimeError("{CANARY_TOKEN}")
    except RuntimeError as cause:
        exc = TalkoverError("failed")
        exc.__context__ = cause

def test_authorization_key_reachable():
    exc = TalkoverError("failed")
    exc.headers = {{"Authorization": "Basic dXNlcjpwYXNz"}}

def test_unpicklable_error():
    exc = TalkoverError("failed")
    exc.lock = threading.Lock()
"""


@pytest.mark.canary_exempt  # the inner run leaks on purpose, in this process
def test_canary_walks_error_attributes_and_pickles_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_attribute_leaks=_ATTRIBUTE_LEAKS)
    result = pytester.runpytest_inprocess(
        "-p", "tests.canary", "-p", "no:asyncio", "-p", "no:cacheprovider", "-q"
    )
    out = result.stdout.str()
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") == 6, out  # the tests pass; their teardown fails
    assert outcomes.get("errors") == 4, out
    assert "canary_Qm4Rt8Yp" in out and "(attributes, chain)" in out
    assert "an Authorization header is reachable" in out
    assert "cannot be pickled" in out
