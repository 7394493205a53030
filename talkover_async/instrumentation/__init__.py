"""Optional OpenTelemetry instrumentation: `pip install 'talkover-async[otel]'`.

The SDK depends on `opentelemetry-api` only (the `otel` extra), as OpenTelemetry asks of
libraries; the application brings the SDK, exporters and providers.

- Tracing (`tracing.py`): one CLIENT span per operation, retries as span events, the trace
  context (`traceparent`, `tracestate`) sent with every attempt.
- Metrics (`metrics.py`): dispatcher results and rate-limit waits, from the global
  MeterProvider.

Tracing is decided once, when the client is built, so a client that does not trace has no
tracing code on its request path at all:

- `AsyncTalkover(instrument=None)` (default): trace when `opentelemetry-api` is installed and
  the application has set a global TracerProvider that records (not the default proxy, not a
  no-op provider) by then, unless `OTEL_PYTHON_DISABLED_INSTRUMENTATIONS` names
  `talkover_async`;
- `instrument=True`: always, through the global provider, also one set after the client was
  built (a `ConfigurationError` when `opentelemetry-api` is missing);
- `instrument=<TracerProvider>`: trace with that provider;
- `instrument=False`: never.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from .metrics import observed_acquire, record_dispatch_result, record_rate_limit_wait

if TYPE_CHECKING:
    from ..redaction import Redactor
    from .tracing import TracingMiddleware

__all__ = [
    "DISABLE_ENV",
    "build_tracing",
    "observed_acquire",
    "record_dispatch_result",
    "record_rate_limit_wait",
]

#: OpenTelemetry's variable listing instrumentations to turn off (comma-separated names).
DISABLE_ENV = "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"
_NAMES = frozenset({"talkover_async", "talkover-async"})


def _disabled(env: Mapping[str, str]) -> bool:
    names = {name.strip() for name in env.get(DISABLE_ENV, "").split(",")}
    return not names.isdisjoint(_NAMES)


def build_tracing(
    instrument: Any, env: Mapping[str, str], redactor: Redactor
) -> TracingMiddleware | None:
    """The tracing middleware a client built with `instrument=` gets (None: no tracing)."""
    if instrument is False:
        return None
    if not (instrument is None or instrument is True or hasattr(instrument, "get_tracer")):
        raise ConfigurationError("instrument must be None, True, False or a TracerProvider")
    try:
        from . import tracing
    except ImportError as exc:  # the API missing (or only a namespace left by other packages)
        if not (exc.name or "").startswith("opentelemetry"):
            raise
        if instrument is None:
            return None
        raise ConfigurationError(
            "instrument= needs the OpenTelemetry API: pip install 'talkover-async[otel]'"
        ) from None
    if instrument is None:
        if _disabled(env) or not tracing.tracer_configured():
            return None
        instrument = True
    provider = None if instrument is True else instrument
    return tracing.TracingMiddleware(tracing.get_tracer(provider), redactor)
