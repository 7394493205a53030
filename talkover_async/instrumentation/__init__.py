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
  `talkover_async` (when the application has not imported `opentelemetry.trace` and names no
  provider in `OTEL_PYTHON_TRACER_PROVIDER`, none can be set: OpenTelemetry is not imported);
- `instrument=True`: always, through the global provider, also one set after the client was
  built (a `ConfigurationError` when `opentelemetry-api` is missing);
- `instrument=<TracerProvider>`: trace with that provider;
- `instrument=False`: never.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from .metrics import observed_acquire, record_dispatch_result, record_rate_limit_wait

if TYPE_CHECKING:
    from ..redaction import Redactor
    from .tracing import TracingMiddleware

__all__ = [
    "DISABLE_ENV",
    "PROVIDER_ENV",
    "build_tracing",
    "observed_acquire",
    "record_dispatch_result",
    "record_rate_limit_wait",
]

#: OpenTelemetry's variable listing instrumentations to turn off (comma-separated names).
DISABLE_ENV = "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS"
#: OpenTelemetry's variable naming the global TracerProvider to load (an entry point).
PROVIDER_ENV = "OTEL_PYTHON_TRACER_PROVIDER"
_NAMES = frozenset({"talkover_async", "talkover-async"})


def _disabled(env: Mapping[str, str]) -> bool:
    names = {name.strip() for name in env.get(DISABLE_ENV, "").split(",")}
    return not names.isdisjoint(_NAMES)


def _provider_possible() -> bool:
    """Whether a global TracerProvider may be set: the application imported the tracing API
    (to set one), or names one in `OTEL_PYTHON_TRACER_PROVIDER` (which the API reads from the
    process environment on first use)."""
    return "opentelemetry.trace" in sys.modules or PROVIDER_ENV in os.environ


def build_tracing(
    instrument: Any, env: Mapping[str, str], redactor: Redactor
) -> TracingMiddleware | None:
    """The tracing a client built with `instrument=` gets (None: no tracing)."""
    if instrument is False:
        return None
    if instrument is None and (_disabled(env) or not _provider_possible()):
        return None  # decided without importing OpenTelemetry
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
        if not tracing.tracer_configured():
            return None
        instrument = True
    provider = None if instrument is True else instrument
    return tracing.TracingMiddleware(tracing.get_tracer(provider), redactor)
