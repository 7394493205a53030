"""The names this SDK emits to OpenTelemetry: instrumentation scope, span and event
attributes, metric instruments. One place, so docs, tests and dashboards agree.

Standard names (HTTP client semantic conventions, stable): `http.request.method`,
`server.address`, `server.port`, `url.full`, `http.response.status_code`, `error.type`,
`http.request.resend_count`; `url.template` (development status). The `talkover.*` names are
this SDK's own.
"""

from __future__ import annotations

__all__ = [
    "ATTEMPTS",
    "DISPATCH_CALLS",
    "DISPATCH_OUTCOME",
    "ERROR_TYPE",
    "OPERATION",
    "RATE_LIMIT_WAITS",
    "RATE_LIMIT_WAIT_DURATION",
    "RETRY_ATTEMPT",
    "RETRY_EVENT",
    "RETRY_REASON",
    "RETRY_WAIT",
    "SCOPE",
    "SENT",
    "error_type",
]

#: The instrumentation scope (tracer and meter name).
SCOPE = "talkover_async"

ERROR_TYPE = "error.type"
#: The API operation (`agents.call`); the span is named `talkover <operation>`.
OPERATION = "talkover.operation"
#: How many attempts the operation took (1 when it was not retried).
ATTEMPTS = "talkover.attempts"
#: On failure: False only when the request provably never reached the server.
SENT = "talkover.sent"

#: The span event added before each retry, and its attributes.
RETRY_EVENT = "retry"
RETRY_ATTEMPT = "talkover.retry.attempt"  # the attempt that failed (1 for the first)
RETRY_WAIT = "talkover.retry.wait"  # seconds waited before the next attempt
RETRY_REASON = "talkover.retry.reason"  # `HTTP 503`, `APIConnectionError`...

#: Counter of dispatcher results, by `talkover.dispatch.outcome` (and `error.type`).
DISPATCH_CALLS = "talkover.dispatch.calls"
DISPATCH_OUTCOME = "talkover.dispatch.outcome"
#: Counter of rate-limiter acquisitions that had to wait (1 ms or more).
RATE_LIMIT_WAITS = "talkover.rate_limit.waits"
#: Histogram of the seconds each acquisition waited in the rate limiter (0 included).
RATE_LIMIT_WAIT_DURATION = "talkover.rate_limit.wait.duration"


def error_type(error: BaseException) -> str:
    """The low-cardinality `error.type` of an exception: its fully qualified class name."""
    cls = type(error)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"
