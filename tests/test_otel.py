"""OpenTelemetry: one span per operation, retries as events, trace context on the wire,
dispatch and rate-limit metrics, nothing secret in any span, and nothing at all without the
`otel` extra or a configured tracer.

Spans go to an SDK `TracerProvider` handed to the client (`instrument=provider`), so no global
tracer is set in the test process; metrics use the global MeterProvider (set once, with an
`InMemoryMetricReader`), as the SDK's instruments do.
"""

from __future__ import annotations

import asyncio
import enum
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from talkover_async import (
    APIConnectionError,
    APIStatusError,
    AsyncTalkover,
    ConfigurationError,
    NotFoundError,
    RateLimitError,
    ResponseDecodeError,
)
from talkover_async.dispatch import CallSpec, DispatchResult, DispatchStatus
from talkover_async.http import Request, Response
from talkover_async.instrumentation import record_dispatch_result, record_rate_limit_wait
from talkover_async.instrumentation.tracing import url_full
from talkover_async.operations import OPERATIONS
from talkover_async.redaction import Redactor
from talkover_async.testing import FakeTalkover, faults, serve_fake
from talkover_async.transports import MockTransport

from .canary import CANARY_PHONE, CANARY_TOKEN, CANARY_WEBHOOK_SECRET, find_leaks
from .conftest import TOKEN

MASKED_PHONE = "+1******0199"
CALL_ROUTE = "POST /agents/{agent_id}/call"
GET_ROUTE = "GET /agents/{agent_id}"
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")
AGENTS_GET = OPERATIONS["agents.get"]


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    tp = TracerProvider()
    tp.add_span_processor(SimpleSpanProcessor(exporter))
    yield tp
    tp.shutdown()


_reader: InMemoryMetricReader | None = None


def metric_reader() -> InMemoryMetricReader:
    """The global MeterProvider's reader (a global can be set only once per process)."""
    global _reader
    if _reader is None:
        _reader = InMemoryMetricReader()
        metrics.set_meter_provider(MeterProvider(metric_readers=[_reader]))
    return _reader


def snapshot() -> dict[str, dict[frozenset[tuple[str, Any]], float]]:
    """One collection: per instrument, the cumulative value (sum, or count for a histogram)
    of each data point. One collection for all instruments: some SDK versions (1.20) report a
    histogram only to the first collection after a measurement."""
    out: dict[str, dict[frozenset[tuple[str, Any]], float]] = {}
    data = metric_reader().get_metrics_data()
    for rm in data.resource_metrics if data else ():
        for sm in rm.scope_metrics:
            if sm.scope.name != "talkover_async":
                continue
            for metric in sm.metrics:
                found = out.setdefault(metric.name, {})
                for point in metric.data.data_points:
                    value = getattr(point, "value", None)
                    found[frozenset(point.attributes.items())] = (
                        value if value is not None else point.count
                    )
    return out


def delta(before: dict[str, Any], after: dict[str, Any], name: str) -> dict[Any, float]:
    old, new = before.get(name, {}), after.get(name, {})
    return {k: v - old.get(k, 0) for k, v in new.items() if v != old.get(k, 0)}


def only_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    spans = exporter.get_finished_spans()
    assert len(spans) == 1, [s.name for s in spans]
    return spans[0]


def assert_clean(span: ReadableSpan, *secrets: str) -> None:
    """Nothing secret anywhere in the span: name, attributes, events, links, status,
    resource, scope (the SDK's JSON form has every field)."""
    text = span.to_json() + repr(span.instrumentation_scope)
    assert find_leaks(text) == [], text
    lowered = text.lower()
    assert "authorization" not in lowered
    assert not re.search(r"bearer\s+(?!talq_\*\*\*|\*\*\*)", lowered), text  # a bearer value
    assert not re.search(r"\+\d{8,}", text), text  # a phone number left unmasked
    for secret in secrets:
        assert secret not in text


def parse_traceparent(value: str) -> tuple[str, str]:
    match = TRACEPARENT.match(value)
    assert match, value
    return match.group(1), match.group(2)


# --- spans over loopback (the fake served on 127.0.0.1) ---------------------------------------


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_one_client_span_per_operation_with_http_attributes(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as url, AsyncTalkover(
        TOKEN, base_url=url, env={}, instrument=provider
    ) as client:
        assert client.instrumented
        agent = await client.agents.get("demo")
    assert agent.id == "demo"
    span = only_span(exporter)
    port = int(url.split(":")[2].split("/")[0])
    assert span.name == "talkover agents.get"
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope.name == "talkover_async"
    assert dict(span.attributes) == {
        "http.request.method": "GET",
        "server.address": "127.0.0.1",
        "server.port": port,
        "url.full": f"{url}/agents/demo",
        "url.template": "/api/v1/agents/{agent_id}",
        "talkover.operation": "agents.get",
        "http.response.status_code": 200,
        "talkover.attempts": 1,
    }
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    # The server got the span's context.
    trace_id, parent_id = parse_traceparent(fake.journal.last.headers["traceparent"])
    assert trace_id == f"{span.context.trace_id:032x}"
    assert parent_id == f"{span.context.span_id:016x}"
    assert_clean(span, TOKEN)


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_span_is_a_child_of_the_callers_span(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    tracer = provider.get_tracer("app")
    async with serve_fake(fake) as url, AsyncTalkover(
        TOKEN, base_url=url, env={}, instrument=provider
    ) as client:
        with tracer.start_as_current_span("handle request") as parent:
            await client.agents.get("demo")
    ours = next(s for s in exporter.get_finished_spans() if s.name == "talkover agents.get")
    assert ours.parent is not None
    assert ours.parent.span_id == parent.get_span_context().span_id
    assert ours.context.trace_id == parent.get_span_context().trace_id
    trace_id, _ = parse_traceparent(fake.journal.last.headers["traceparent"])
    assert trace_id == f"{parent.get_span_context().trace_id:032x}"


async def test_tracestate_of_an_incoming_context_reaches_the_server(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(200, {"Content-Type": "application/json"}, b'{"data": {"id": "a1"}}')

    # A context as a server instrumentation extracts it from an incoming request.
    incoming = trace.SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C,
        span_id=0xB7AD6B7169203331,
        is_remote=True,
        trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
        trace_state=trace.TraceState([("vendor", "opaque")]),
    )
    async with AsyncTalkover(
        TOKEN, transport=MockTransport(handler), env={}, instrument=provider
    ) as client:
        with trace.use_span(trace.NonRecordingSpan(incoming)):
            await client.agents.get("a1")
    span = only_span(exporter)
    headers = seen[0].headers
    assert headers["tracestate"] == "vendor=opaque"
    assert parse_traceparent(headers["traceparent"]) == (
        "0af7651916cd43dd8448eb211c80319c",
        f"{span.context.span_id:016x}",
    )
    assert span.parent is not None and span.parent.span_id == 0xB7AD6B7169203331


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_503_then_200_is_one_span_with_a_retry_event(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    fake.faults.add(GET_ROUTE, faults.status(503, headers={"Retry-After": "0"}), times=1)
    async with serve_fake(fake) as url, AsyncTalkover(
        TOKEN, base_url=url, env={}, instrument=provider
    ) as client:
        await client.agents.get("demo")
    span = only_span(exporter)
    assert span.attributes["talkover.attempts"] == 2
    assert span.attributes["http.request.resend_count"] == 1
    assert span.attributes["http.response.status_code"] == 200
    assert "error.type" not in span.attributes
    assert span.status.status_code is StatusCode.UNSET
    assert [e.name for e in span.events] == ["retry"]
    assert dict(span.events[0].attributes) == {
        "talkover.retry.attempt": 1,
        "talkover.retry.wait": 0.0,
        "talkover.retry.reason": "HTTP 503",
    }
    # Both attempts carried the operation span's context.
    sent = [e.headers.get("traceparent") for e in fake.journal if e.route == "/agents/{agent_id}"]
    assert [e.status for e in fake.journal] == [503, 200]
    assert len(sent) == 2 and sent[0] == sent[1]
    assert parse_traceparent(sent[0])[1] == f"{span.context.span_id:016x}"
    assert_clean(span, TOKEN)


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_reset_after_send_post_is_sent_and_recorded_without_secrets(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake = FakeTalkover.demo(token=CANARY_TOKEN)
    fake.faults.add(CALL_ROUTE, faults.reset_after(), times=1)
    async with serve_fake(fake) as url, AsyncTalkover(
        CANARY_TOKEN, base_url=url, env={}, instrument=provider, max_retries=3
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.agents.call("demo", to=CANARY_PHONE, payload={"phone": CANARY_PHONE})
    assert info.value.sent is True
    span = only_span(exporter)
    assert span.name == "talkover agents.call"
    attributes = dict(span.attributes)
    assert attributes["http.request.method"] == "POST"
    assert attributes["url.template"] == "/api/v1/agents/{agent_id}/call"
    assert attributes["talkover.sent"] is True
    assert attributes["talkover.attempts"] == 1  # never retried: it may have rung
    assert attributes["error.type"] == "talkover_async.errors.APIConnectionError"
    assert "http.response.status_code" not in attributes
    assert span.status.status_code is StatusCode.ERROR
    assert [e.name for e in span.events] == ["exception"]
    event = dict(span.events[0].attributes)
    assert set(event) == {"exception.type", "exception.message"}  # no stack trace
    assert event["exception.type"] == "talkover_async.errors.APIConnectionError"
    assert "traceparent" in fake.journal.last.headers
    assert_clean(span, CANARY_TOKEN)


@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_http_error_status_sets_error_type_and_sent(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as url, AsyncTalkover(
        TOKEN, base_url=url, env={}, instrument=provider
    ) as client:
        with pytest.raises(NotFoundError):
            await client.agents.get("no_such_agent")
    span = only_span(exporter)
    assert span.attributes["http.response.status_code"] == 404
    assert span.attributes["error.type"] == "404"
    assert span.attributes["talkover.sent"] is True
    assert span.status.status_code is StatusCode.ERROR


async def test_a_2xx_whose_body_does_not_decode_is_an_error_span(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    # The body is personal data the span must not copy (the decode error's excerpt and, for
    # a value that does not fit, its reason do).
    body = b'{"data": {"id": 17, "first_name": "Jane Customer"'

    def handler(request: Request) -> Response:
        if "page=" in request.url:
            return Response(200, {"Content-Type": "application/json"}, b'{"data": "Jane Customer"}')
        if request.url.endswith("/a2"):  # valid JSON, a value that does not fit: quoted
            mismatch = b'{"data": {"id": "a2", "conversation_speed": "Jane Customer"}}'
            return Response(200, {"Content-Type": "application/json"}, mismatch)
        return Response(200, {"Content-Type": "application/json"}, body)

    async with AsyncTalkover(
        TOKEN, transport=MockTransport(handler), env={}, instrument=provider
    ) as client:
        with pytest.raises(ResponseDecodeError) as info:
            await client.agents.get("a1")
        assert "Jane Customer" in str(info.value)  # the error shows it: the span must not
        with pytest.raises(ResponseDecodeError):
            await client.calls.list(page=2)  # the paginator decodes in the span too
        with pytest.raises(ResponseDecodeError):  # and so does `request` (raw responses)
            await client.request(AGENTS_GET, {"agent_id": "a1"})
        with pytest.raises(ResponseDecodeError) as info:
            await client.agents.get("a2")
        assert "Jane Customer" in info.value.reason  # the reason quotes it: the span must not
    spans = exporter.get_finished_spans()
    names = ["talkover agents.get", "talkover calls.list", "talkover agents.get"]
    assert [s.name for s in spans] == [*names, "talkover agents.get"]
    for span in spans:
        assert span.status.status_code is StatusCode.ERROR
        assert span.attributes["http.response.status_code"] == 200
        assert span.attributes["error.type"] == "talkover_async.errors.ResponseDecodeError"
        assert span.attributes["talkover.sent"] is True
        assert span.attributes["talkover.attempts"] == 1
        assert [e.name for e in span.events] == ["exception"]
        message = dict(span.events[0].attributes)["exception.message"]
        assert message == "unexpected response body (HTTP 200)"
        assert "Jane" not in span.to_json()
        assert_clean(span, TOKEN)


async def failing_get(
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
    handler: Any,
    error: type[Exception],
) -> ReadableSpan:
    """The span of an `agents.get` that `handler` answers and that fails with `error`."""
    async with AsyncTalkover(
        TOKEN, transport=MockTransport(handler), env={}, instrument=provider
    ) as client:
        with pytest.raises(error):
            await client.agents.get("a1")
    return only_span(exporter)


async def test_an_error_status_is_recorded_once_without_an_exception_event(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def handler(request: Request) -> Response:
        return Response(404, {"Content-Type": "application/json"}, b'{"message": "Not found."}')

    span = await failing_get(provider, exporter, handler, NotFoundError)
    assert span.attributes["error.type"] == "404"  # the status, not the exception class
    assert span.status.status_code is StatusCode.ERROR
    assert span.events == ()


async def test_a_429_beyond_max_retry_after_records_the_status(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    # The retry middleware raises RateLimitError itself (no response reaches the span's
    # normal path): the span still has the status, and `error.type` is the status.
    def handler(request: Request) -> Response:
        return Response(429, {"Retry-After": "120"}, b'{"message": "Too Many Attempts."}')

    span = await failing_get(provider, exporter, handler, RateLimitError)
    assert span.attributes["http.response.status_code"] == 429
    assert span.attributes["error.type"] == "429"
    assert span.attributes["talkover.sent"] is True
    assert span.attributes["talkover.attempts"] == 1
    assert span.status.status_code is StatusCode.ERROR
    assert span.events == ()  # as for any error answer


async def test_a_2xx_carrying_success_false_is_an_error_span(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def handler(request: Request) -> Response:
        body = b'{"success": false, "message": "Agent is disabled."}'
        return Response(200, {"Content-Type": "application/json"}, body)

    span = await failing_get(provider, exporter, handler, APIStatusError)
    assert span.attributes["http.response.status_code"] == 200
    assert span.attributes["error.type"] == "talkover_async.errors.APIStatusError"  # not "200"
    assert span.status.status_code is StatusCode.ERROR
    assert [e.name for e in span.events] == ["exception"]


# --- secrets and phone numbers (MockTransport) ------------------------------------------------


async def test_refused_connection_is_not_sent_and_its_message_is_redacted(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def refuse(request: Request) -> Response:
        # The transport puts this text in the error message: token and phone must not pass.
        raise ConnectionRefusedError(f"refused {CANARY_PHONE} Bearer {CANARY_TOKEN}")

    async with AsyncTalkover(
        CANARY_TOKEN, transport=MockTransport(refuse), env={}, instrument=provider, max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.agents.call("a1", to=CANARY_PHONE)
    assert info.value.sent is False
    span = only_span(exporter)
    assert span.attributes["talkover.sent"] is False
    message = dict(span.events[0].attributes)["exception.message"]
    assert message.startswith("connection refused: refused +1******0199 Bearer ")
    assert_clean(span, CANARY_TOKEN)


async def test_webhook_secret_and_user_headers_stay_out_of_the_span(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def echo(request: Request) -> Response:
        # A transport whose error quotes what it was given: a user header and the body.
        raise ConnectionRefusedError(f"{request.headers['X-Upstream-Key']} {request.content!r}")

    async with AsyncTalkover(
        CANARY_TOKEN, transport=MockTransport(echo), env={}, instrument=provider, max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError):
            await client.agents.webhooks.create(
                "a1",
                name="crm",
                webhook_url="https://crm.example/hook",
                events=["call.completed"],
                webhook_secret=CANARY_WEBHOOK_SECRET,
                extra_headers={"X-Upstream-Key": f"Bearer {CANARY_TOKEN}"},
                extra_query={"secret": CANARY_WEBHOOK_SECRET, "to": CANARY_PHONE},
            )
    span = only_span(exporter)
    message = dict(span.events[0].attributes)["exception.message"]
    assert message.startswith("connection refused: Bearer talq_***")  # echoed, redacted
    assert '"webhook_secret":"***"' in message
    assert span.attributes["url.full"].endswith("?secret=REDACTED&to=REDACTED")
    assert_clean(span, CANARY_TOKEN, CANARY_WEBHOOK_SECRET)


async def test_phone_numbers_masked_in_url_and_query_values_redacted(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        body = {"success": True, "data": [], "meta": {"current_page": 2, "last_page": 2}}
        return Response(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    async with AsyncTalkover(
        CANARY_TOKEN, transport=MockTransport(handler), env={}, instrument=provider
    ) as client:
        await client.calls.list(
            page=2,
            per_page=10,
            search=CANARY_PHONE,
            extra_query={"api_key": CANARY_TOKEN},
        )
        with pytest.raises(Exception):  # noqa: B017 - only the span matters here
            await client.agents.get(CANARY_PHONE)  # a phone number as a path parameter
    assert CANARY_PHONE in seen[0].url or "%2B14155550199" in seen[0].url  # it was sent
    listed, got = exporter.get_finished_spans()
    url_full = listed.attributes["url.full"]
    assert "page=2" in url_full and "per_page=10" in url_full
    assert "search=REDACTED" in url_full and "api_key=REDACTED" in url_full
    assert MASKED_PHONE in got.attributes["url.full"]
    assert got.attributes["url.template"] == "/api/v1/agents/{agent_id}"
    for span in (listed, got):
        assert_clean(span, CANARY_TOKEN)


def test_url_full_masks_a_phone_number_even_in_a_paging_value() -> None:
    phone = quote(CANARY_PHONE)  # as the client's query encoding sends it
    url = f"https://h.test/api/v1/calls?page=2&per_page={phone}&to={phone}"
    cleaned = url_full(urlsplit(url), Redactor())
    assert cleaned == "https://h.test/api/v1/calls?page=2&per_page=%2B1******0199&to=REDACTED"


async def test_the_span_is_current_in_user_middleware_and_the_transport_on_every_attempt(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    in_middleware: list[int] = []
    in_transport: list[int] = []

    async def middleware(request: Request, call_next: Any) -> Response:
        in_middleware.append(trace.get_current_span().get_span_context().span_id)
        return await call_next(request)  # type: ignore[no-any-return]

    def handler(request: Request) -> Response:
        in_transport.append(trace.get_current_span().get_span_context().span_id)
        if len(in_transport) == 1:
            return Response(503, {"Retry-After": "0"}, b"{}")
        return Response(200, {"Content-Type": "application/json"}, b'{"data": {"id": "a1"}}')

    async with AsyncTalkover(
        TOKEN,
        transport=MockTransport(handler),
        env={},
        instrument=provider,
        middleware=[middleware],
    ) as client:
        await client.agents.get("a1")
    span_id = only_span(exporter).context.span_id
    assert in_middleware == in_transport == [span_id, span_id]
    assert trace.get_current_span() is trace.INVALID_SPAN  # detached afterwards


async def test_credentials_in_base_url_are_redacted(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def handler(request: Request) -> Response:
        return Response(200, {"Content-Type": "application/json"}, b'{"data": {"id": "a1"}}')

    async with AsyncTalkover(
        TOKEN,
        base_url="http://user:hunter2secret@127.0.0.1:9/api/v1",
        transport=MockTransport(handler),
        env={},
        instrument=provider,
    ) as client:
        await client.agents.get("a1")
    span = only_span(exporter)
    assert span.attributes["url.full"] == "http://REDACTED:REDACTED@127.0.0.1:9/api/v1/agents/a1"
    assert_clean(span, "hunter2secret")


async def test_a_token_in_the_base_url_path_is_masked_in_every_attribute(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    # A gateway that takes its key in the path: url.template keeps the concrete prefix.
    def handler(request: Request) -> Response:
        return Response(200, {"Content-Type": "application/json"}, b'{"data": {"id": "a1"}}')

    async with AsyncTalkover(
        TOKEN,
        base_url=f"http://127.0.0.1:9/gw/{CANARY_TOKEN}/api/v1",
        transport=MockTransport(handler),
        env={},
        instrument=provider,
    ) as client:
        await client.agents.get("a1")
    span = only_span(exporter)
    assert span.attributes["url.template"] == "/gw/talq_***/api/v1/agents/{agent_id}"
    assert span.attributes["url.full"] == "http://127.0.0.1:9/gw/talq_***/api/v1/agents/a1"
    assert_clean(span, CANARY_TOKEN)


# --- switching it on --------------------------------------------------------------------------


async def test_retry_hooks_and_clones_keep_tracing(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    calls = 0

    def flaky(request: Request) -> Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return Response(429, {"Retry-After": "0"}, b'{"message": "Too Many Attempts."}')
        return Response(200, {"Content-Type": "application/json"}, b'{"data": {"id": "a1"}}')

    mine: list[int] = []
    async with AsyncTalkover(
        TOKEN,
        transport=MockTransport(flaky),
        env={},
        instrument=provider,
        on_retry=[lambda d: mine.append(d.attempt)],
    ) as client:
        clone = client.with_options(max_retries=1)
        assert clone.instrumented
        await clone.agents.get("a1")
    span = only_span(exporter)
    assert mine == [1]  # the user's hook still runs
    assert [dict(e.attributes)["talkover.retry.reason"] for e in span.events] == ["HTTP 429"]


async def test_a_request_without_an_operation_is_named_after_its_method(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def handler(request: Request) -> Response:
        return Response(204)

    async with AsyncTalkover(
        TOKEN, transport=MockTransport(handler), env={}, instrument=provider
    ) as client:
        await client.send(Request("GET", "https://example.test/anything?x=1"))
    span = only_span(exporter)
    assert span.name == "talkover GET"
    assert dict(span.attributes) == {
        "http.request.method": "GET",
        "server.address": "example.test",
        "server.port": 443,
        "url.full": "https://example.test/anything?x=REDACTED",
        "http.response.status_code": 204,
        "talkover.attempts": 1,
    }


def chain_of(client: AsyncTalkover) -> list[str]:
    """The middleware class names of a client's chain, outermost first."""
    out, handler = [], client._handler
    while hasattr(handler, "func"):
        out.append(type(handler.func).__name__)
        handler = handler.keywords["call_next"]
    return out


async def test_tracing_wraps_the_chain_only_when_on(provider: TracerProvider) -> None:
    on = AsyncTalkover(TOKEN, env={}, instrument=provider)
    off = AsyncTalkover(TOKEN, env={}, instrument=False)
    chain = ["RetryMiddleware", "AuthMiddleware", "LoggingMiddleware"]
    # Neither chain holds tracing: the span wraps the chain and the decoding, or nothing.
    assert chain_of(on) == chain_of(off) == chain
    assert on.instrumented and not off.instrumented
    # Clones share the decision.
    assert on.with_options(max_retries=0).instrumented
    assert not off.with_options(max_retries=0).instrumented
    await on.aclose()
    await off.aclose()


def test_bad_instrument_value_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="instrument"):
        AsyncTalkover(TOKEN, env={}, instrument="yes")  # type: ignore[arg-type]


def test_disabled_by_environment_in_auto_mode_only(provider: TracerProvider) -> None:
    env = {"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "aiohttp-client, talkover_async"}
    # No global provider is set in this process: auto mode does not trace either way.
    assert not AsyncTalkover(TOKEN, env=env).instrumented
    assert AsyncTalkover(TOKEN, env=env, instrument=provider).instrumented


def run_python(code: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "TALKOVER_LOG": "", **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


AUTO_CHECK = """
    import asyncio
    from opentelemetry import trace
    from talkover_async import AsyncTalkover

    def traced(**kw):
        client = AsyncTalkover("talq_test_token", env=kw.pop("env", {}), **kw)
        assert "TracingMiddleware" not in repr(client._handler)  # never in the chain
        return client.instrumented
"""


def test_auto_mode_needs_a_recording_global_provider() -> None:
    out = run_python(
        AUTO_CHECK
        + """
    print("none", traced())
    print("forced", traced(instrument=True))
    trace.set_tracer_provider(trace.NoOpTracerProvider())
    print("noop", traced())
    """
    )
    assert out.split() == ["none", "False", "forced", "True", "noop", "False"]


def test_auto_mode_without_a_provider_imports_no_opentelemetry() -> None:
    # opentelemetry-api installed, nothing configured: building and using a client loads
    # neither OpenTelemetry nor the SDK's tracing module (no tracing code can run).
    out = run_python(
        """
    import asyncio, sys
    from talkover_async import AsyncTalkover
    from talkover_async.testing import FakeTalkover
    from talkover_async.transports import MockTransport

    async def main():
        fake = FakeTalkover.demo(token="talq_test_token")
        async with AsyncTalkover(
            "talq_test_token", transport=MockTransport(fake), env={}
        ) as client:
            print("instrumented", client.instrumented)
            print("agent", (await client.agents.get("demo")).id)
        loaded = [
            m for m in sys.modules
            if m.startswith("opentelemetry") or m == "talkover_async.instrumentation.tracing"
        ]
        print("modules", sorted(loaded))

    asyncio.run(main())
    """
    )
    assert out.splitlines() == ["instrumented False", "agent demo", "modules []"]


def test_auto_mode_finds_a_provider_named_by_the_environment() -> None:
    # OTEL_PYTHON_TRACER_PROVIDER sets the global provider on first use, with no import of
    # opentelemetry.trace by the application.
    out = run_python(
        """
    from talkover_async import AsyncTalkover
    print("traced", AsyncTalkover("talq_test_token", env={}).instrumented)
    """,
        env={"OTEL_PYTHON_TRACER_PROVIDER": "sdk_tracer_provider"},
    )
    assert out.split() == ["traced", "True"]


def test_auto_mode_traces_with_an_sdk_provider_unless_disabled() -> None:
    out = run_python(
        AUTO_CHECK
        + """
    from opentelemetry.sdk.trace import TracerProvider
    trace.set_tracer_provider(TracerProvider())
    print("sdk", traced())
    env = {"OTEL_PYTHON_DISABLED_INSTRUMENTATIONS": "talkover_async"}
    print("disabled", traced(env=env))
    print("off", traced(instrument=False))
    """
    )
    assert out.split() == ["sdk", "True", "disabled", "False", "off", "False"]


def test_auto_mode_ignores_an_sdk_disabled_by_environment() -> None:
    out = run_python(
        AUTO_CHECK
        + """
    from opentelemetry.sdk.trace import TracerProvider
    trace.set_tracer_provider(TracerProvider())
    print("disabled-sdk", traced())
    """,
        env={"OTEL_SDK_DISABLED": "true"},
    )
    assert out.split() == ["disabled-sdk", "False"]


def test_without_the_extra_the_client_works_and_adds_nothing() -> None:
    out = run_python(
        """
    import sys
    sys.modules["opentelemetry"] = None  # as if opentelemetry-api were not installed
    import asyncio
    from talkover_async import AsyncTalkover, ConfigurationError
    from talkover_async.dispatch import CallSpec
    from talkover_async.instrumentation import record_dispatch_result, record_rate_limit_wait
    from talkover_async.middleware import AuthMiddleware, LoggingMiddleware, RetryMiddleware
    from talkover_async.middleware.ratelimit import RateLimitMiddleware
    from talkover_async.testing import FakeTalkover
    from talkover_async.transports import MockTransport

    def chain(client):
        out, handler = [], client._handler
        while hasattr(handler, "func"):
            out.append(type(handler.func).__name__)
            handler = handler.keywords["call_next"]
        return out

    async def main():
        fake = FakeTalkover.demo(token="talq_test_token")
        client = AsyncTalkover(
            "talq_test_token", transport=MockTransport(fake), env={}, rate_limit=6000
        )
        async with client:
            print("instrumented", client.instrumented)
            print("chain", ",".join(chain(client)))
            print("agent", (await client.agents.get("demo")).id)
            specs = [CallSpec(agent_id="demo", to=f"+1415555{i:04d}") for i in range(3)]
            summary = await client.dispatch(specs, concurrency=2).run()
            print("placed", summary.placed)
        record_rate_limit_wait(0.5)
        try:
            AsyncTalkover("talq_test_token", env={}, instrument=True)
        except ConfigurationError as exc:
            print("forced", "talkover-async[otel]" in str(exc))
        print("modules", sorted(m for m in sys.modules if m.startswith("opentelemetry")))

    asyncio.run(main())
    """
    )
    assert out.splitlines() == [
        "instrumented False",
        "chain RetryMiddleware,RateLimitMiddleware,AuthMiddleware,LoggingMiddleware",
        "agent demo",
        "placed 3",
        "forced True",
        "modules ['opentelemetry']",  # only the blocking sentinel: nothing was imported
    ]


# --- metrics --------------------------------------------------------------------------------


class SlowLimiter:
    """A limiter that holds every request 20 ms."""

    async def acquire(self) -> None:
        await asyncio.sleep(0.02)

    def on_rate_limited(self, retry_after: float | None) -> None:
        pass

    def on_success(self) -> None:
        pass


async def test_dispatch_and_rate_limit_metrics() -> None:
    before = snapshot()

    async def api(request: Request) -> Response:
        to = json.loads(request.content or b"{}")["to"]
        if to.endswith("0001"):
            return Response(422, {}, b'{"message": "The to field is invalid."}')
        if to.endswith("0002"):
            raise ConnectionResetError("reset after processing")
        body = {"success": True, "data": {"id": "c1", "agent_id": "a1", "to": to}}
        return Response(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    specs = [CallSpec(agent_id="a1", to=f"+1415555{i:04d}") for i in range(3)]
    specs.append(specs[0])  # a duplicate key: skipped
    async with AsyncTalkover(
        TOKEN, transport=MockTransport(api), env={}, rate_limit=SlowLimiter(), instrument=False
    ) as client:
        summary = await client.dispatch(specs, concurrency=1).run()
    assert (summary.placed, summary.failed, summary.maybe_placed, summary.skipped) == (1, 1, 1, 1)

    after = snapshot()
    assert delta(before, after, "talkover.dispatch.calls") == {
        frozenset({("talkover.dispatch.outcome", "placed")}): 1,
        frozenset(
            {
                ("talkover.dispatch.outcome", "failed"),
                ("error.type", "talkover_async.errors.ValidationError"),
            }
        ): 1,
        frozenset(
            {
                ("talkover.dispatch.outcome", "maybe_placed"),
                ("error.type", "talkover_async.errors.APIConnectionError"),
            }
        ): 1,
        frozenset({("talkover.dispatch.outcome", "skipped")}): 1,
    }
    # Three requests went through the limiter, each held 20 ms.
    assert delta(before, after, "talkover.rate_limit.waits") == {frozenset(): 3}
    assert delta(before, after, "talkover.rate_limit.wait.duration") == {frozenset(): 3}


def test_record_functions_count_any_status() -> None:
    before = snapshot()
    spec = CallSpec(agent_id="a1", to="+14155550100")
    record_dispatch_result(DispatchResult(spec=spec, status=DispatchStatus.CANCELLED))
    record_dispatch_result(
        DispatchResult(spec=spec, status=DispatchStatus.CANCELLED, maybe_placed=True)
    )
    # A status the dispatcher may add (a circuit breaker's "not attempted") counts as itself.
    later = enum.StrEnum("Later", {"NOT_ATTEMPTED": "not_attempted"})
    record_dispatch_result(DispatchResult(spec=spec, status=later.NOT_ATTEMPTED))
    record_rate_limit_wait(0.0)  # counted in the histogram only
    after = snapshot()
    assert delta(before, after, "talkover.dispatch.calls") == {
        frozenset({("talkover.dispatch.outcome", "cancelled")}): 1,
        frozenset({("talkover.dispatch.outcome", "maybe_placed")}): 1,
        frozenset({("talkover.dispatch.outcome", "not_attempted")}): 1,
    }
    assert delta(before, after, "talkover.rate_limit.waits") == {}
    duration = "talkover.rate_limit.wait.duration"
    # Recorded in the histogram (SDK 1.20 may leave it out of `before`: then 0).
    assert after[duration][frozenset()] > before.get(duration, {}).get(frozenset(), 0)


def test_no_global_tracer_is_set_by_these_tests() -> None:
    # The spans above went to per-test providers: other tests' clients stay untraced.
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


# --- docs/observability.md ------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "observability.md"
DOC_BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_doc_asyncio_example_runs_and_prints_a_clean_span() -> None:
    block = next(b for b in DOC_BLOCKS if "asyncio.run(main())" in b)
    out = run_python(block)  # its own process: it sets the global TracerProvider
    assert "placed " in out
    assert '"name": "talkover agents.call"' in out
    assert '"talkover.attempts": 1' in out
    assert find_leaks(out) == []
    assert "+14155550100" not in out


def test_doc_fastapi_example_compiles() -> None:
    # FastAPI and the OTLP exporters are not test dependencies: the block is only compiled.
    block = next(b for b in DOC_BLOCKS if "FastAPI" in b)
    compile(block, f"{DOC.name}[fastapi]", "exec")
