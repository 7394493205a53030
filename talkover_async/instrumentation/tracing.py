"""OpenTelemetry tracing: one CLIENT span per operation, retries as span events, the trace
context sent to the server with every attempt.

Needs `opentelemetry-api` (the `otel` extra); the client imports this module only when it
traces (see `talkover_async.instrumentation`). The span is the logical HTTP client span the
semantic conventions allow when one span covers every attempt of an API call: it is named
`talkover <operation>` (`talkover agents.call`), starts before the first attempt (rate-limit
waits and retry back-off included) and ends once the last attempt's answer is decoded into
models, so a 2xx whose body does not decode (`ResponseDecodeError`) is an error span.

Nothing secret reaches it: no header is recorded; `url.full` keeps only `page`/`per_page`
query values (the others read `REDACTED`), with tokens removed and phone numbers masked in the
path; an exception is recorded as its type and a redacted message, without a stack trace
(its frames and chained causes are not redacted text).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit

from opentelemetry import context, propagate, trace
from opentelemetry.trace import Span, SpanKind, StatusCode, Tracer, TracerProvider

from .._version import __version__
from ..errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidRequestError,
    ResponseDecodeError,
)
from ..http import Request, Response
from ..middleware.base import Handler
from ..middleware.retry import RetryDetails
from ..redaction import Redactor
from .attributes import (
    ATTEMPTS,
    ERROR_TYPE,
    OPERATION,
    RETRY_ATTEMPT,
    RETRY_EVENT,
    RETRY_REASON,
    RETRY_WAIT,
    SCOPE,
    SENT,
    error_type,
)

__all__ = ["TracingMiddleware", "get_tracer", "tracer_configured", "url_full"]

#: Query parameters whose values are kept in `url.full` (paging, never personal data).
_KEEP_QUERY = frozenset({"page", "per_page"})
_REDACTED = "REDACTED"
_MAX_MESSAGE = 500
_DEFAULT_PORTS = {"https": 443, "http": 80}
T = TypeVar("T")


def get_tracer(provider: TracerProvider | None = None) -> Tracer:
    """The SDK's tracer from `provider`, or from the global provider (a proxy until the
    application sets one, then the real one)."""
    return trace.get_tracer(SCOPE, __version__, tracer_provider=provider)


def tracer_configured() -> bool:
    """Whether the application set a global TracerProvider that records (neither the API's
    default proxy nor a no-op provider, nor an SDK disabled by `OTEL_SDK_DISABLED`)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
        return False
    return not isinstance(provider.get_tracer(SCOPE, __version__), trace.NoOpTracer)


def _sent(error: BaseException) -> bool:
    """False only when the request provably never reached the server."""
    if isinstance(error, APIConnectionError):
        return error.sent
    if isinstance(error, APIStatusError):
        return True  # the server answered
    # Rejected before any I/O; anything else (a cancellation...) may have left.
    return not isinstance(error, ConfigurationError | InvalidRequestError)


def _same(response: Response) -> Response:
    return response


def _message(error: BaseException) -> str:
    """The exception's message; for a decode error only what it is and the status: its
    reason may quote a value from the body and its excerpt is the body (bodies are never
    recorded)."""
    if isinstance(error, ResponseDecodeError):
        where = f" (HTTP {error.status_code})" if error.status_code is not None else ""
        return f"unexpected response body{where}"
    return str(error)


def url_full(parts: SplitResult, redactor: Redactor) -> str:
    """`url.full`: the URL without credentials (`REDACTED:REDACTED@`, as the semantic
    conventions ask), with query values other than paging read `REDACTED`, tokens and known
    secrets removed and phone numbers masked. The one place the span's URL is cleaned."""
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{_REDACTED}:{_REDACTED}@{netloc.rpartition('@')[2]}"
    path = parts.path
    decoded = unquote(path)
    redacted = redactor.text(decoded)
    if redacted != decoded:
        path = quote(redacted, safe="/*+")
    url = f"{parts.scheme}://{netloc}{path}"
    if parts.query:
        text = redactor.text
        pairs = [
            (text(key), text(value) if key in _KEEP_QUERY else _REDACTED)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        url = f"{url}?{urlencode(pairs, safe='*')}"
    return url


def _url_template(path: str, template: str) -> str:
    """The documented path under the concrete prefix: `/api/v1` + `/agents/{agent_id}/call`."""
    segments = template.count("/")
    if not segments:
        return template
    return path.rsplit("/", segments)[0] + template


class TracingMiddleware:
    """A span around all attempts of one request and the decoding of its answer
    (`exchange`, the client's operations), or around sending only (as a middleware,
    `client.send`)."""

    __slots__ = ("_redactor", "_tracer")

    def __init__(self, tracer: Tracer, redactor: Redactor) -> None:
        self._tracer = tracer
        self._redactor = redactor

    async def __call__(self, request: Request, call_next: Handler) -> Response:
        """As a middleware (`client.send`): the span around sending the request."""
        response, _ = await self.exchange(request, call_next, _same)
        return response

    async def exchange(
        self, request: Request, send: Handler, decode: Callable[[Response], T]
    ) -> tuple[Response, T]:
        """Send the request and decode its answer inside the operation's span, with its
        trace context on every attempt; the response and what `decode` made of it."""
        span = self._tracer.start_span(
            f"talkover {request.operation or request.method}",
            kind=SpanKind.CLIENT,
            attributes=self._start_attributes(request),
        )
        ctx = trace.set_span_in_context(span)
        carrier: dict[str, str] = {}
        propagate.inject(carrier, context=ctx)  # traceparent, tracestate, baggage
        if carrier:
            # Every attempt the retry middleware makes is a copy of this request.
            request = request.with_headers(carrier)
        token = context.attach(ctx)
        try:
            try:
                response = await send(request)
            except BaseException as exc:
                if span.is_recording():
                    self._failed(span, exc)
                raise
            if span.is_recording():
                self._answered(span, response.status_code, len(response.attempts) or 1)
            try:
                return response, decode(response)
            except BaseException as exc:
                # An error status is already recorded (`error.type` is the status); a 2xx
                # whose body does not decode is an error too.
                if response.status_code < 400 and span.is_recording():
                    self._failed(span, exc)
                raise
        finally:
            context.detach(token)
            span.end()

    @staticmethod
    def on_retry(details: RetryDetails) -> None:
        """The retry hook: a `retry` event on the operation's span (the current span)."""
        span = trace.get_current_span()
        if span.is_recording():
            span.add_event(
                RETRY_EVENT,
                {
                    RETRY_ATTEMPT: details.attempt,
                    RETRY_WAIT: details.wait,
                    RETRY_REASON: details.reason,
                },
            )

    # --- attributes ---------------------------------------------------------------------
    def _start_attributes(self, request: Request) -> dict[str, Any]:
        """What samplers may look at, known before sending."""
        parts = urlsplit(request.url)
        attributes: dict[str, Any] = {
            "http.request.method": request.method,
            "server.address": parts.hostname or "",
            "server.port": parts.port or _DEFAULT_PORTS.get(parts.scheme, 0),
            "url.full": url_full(parts, self._redactor),
        }
        if request.path_template:  # a request built by the client (`client.send` takes any)
            # The concrete prefix of the base URL is redacted as in `url.full`.
            template = _url_template(parts.path, request.path_template)
            attributes["url.template"] = self._redactor.text(template)
        if request.operation:
            attributes[OPERATION] = request.operation
        return attributes

    @staticmethod
    def _attempts(attributes: dict[str, Any], count: int) -> None:
        attributes[ATTEMPTS] = count
        if count > 1:
            attributes["http.request.resend_count"] = count - 1

    def _answered(self, span: Span, status: int, attempts: int) -> None:
        attributes: dict[str, Any] = {"http.response.status_code": status}
        self._attempts(attributes, attempts)
        if status >= 400:
            attributes[ERROR_TYPE] = str(status)
            attributes[SENT] = True
        span.set_attributes(attributes)
        if status >= 400:
            span.set_status(StatusCode.ERROR)

    def _failed(self, span: Span, error: BaseException) -> None:
        if isinstance(error, APIStatusError) and error.status_code >= 400:
            # An error answer raised rather than returned (a 429 whose `Retry-After` is over
            # `max_retry_after`): recorded as any error answer, `error.type` its status.
            self._answered(span, error.status_code, len(error.attempts) or 1)
            return
        kind = error_type(error)
        attributes: dict[str, Any] = {ERROR_TYPE: kind, SENT: _sent(error)}
        attempts = getattr(error, "attempts", ())
        self._attempts(attributes, len(attempts) if isinstance(attempts, tuple) and attempts else 1)
        span.set_attributes(attributes)
        # Not `span.record_exception`: it adds `str(error)` unredacted and a stack trace.
        message = self._redactor.text(_message(error))[:_MAX_MESSAGE]
        span.add_event("exception", {"exception.type": kind, "exception.message": message})
        span.set_status(StatusCode.ERROR, type(error).__name__)

    def __repr__(self) -> str:
        return "<TracingMiddleware>"
