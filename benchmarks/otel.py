"""P1 with and without OpenTelemetry: client CPU per `client.agents.call` at concurrency 1.

Side by side in one process, against the loopback server of `run.py` (its own process), the
sides alternating in each repetition:

- `none`: no tracer configured (the client, built in auto mode before any provider is set,
  runs the untraced path: the code of a client without the `otel` extra);
- `none again`: a second client like the first (an A/A control: its distance from `none` is
  the noise of the run);
- `noop`: a global `NoOpTracerProvider` configured, client in auto mode (it sees the no-op
  provider and adds nothing: the figure that must equal `none`);
- `noop forced` (for information): `instrument=True` with that no-op provider, so the
  tracing code runs and every API call is a no-op;
- `sdk` (for information): `instrument=` an SDK `TracerProvider` with a
  `SimpleSpanProcessor` into an `InMemorySpanExporter` (emptied between repetitions): the
  cost of recording one span per request.

The same sides also run on a `MockTransport` (no sockets): the SDK's own CPU per request,
where the tracing middleware's share shows with less noise.

    python benchmarks/otel.py            # ~2-3 min
    python benchmarks/otel.py --quick    # CI smoke test
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bodies import AGENT_ID, MAKE_CALL_BYTES, TOKEN  # noqa: E402
from loopback import CALL_ARGS, drive, server  # noqa: E402

SIDES = ("none", "none again", "noop", "noop forced", "sdk")


async def measure(
    base_url: str, requests: int, reps: int, mock_requests: int
) -> dict[str, Any]:
    from multidict import CIMultiDict, CIMultiDictProxy
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from talkover_async import AsyncTalkover
    from talkover_async.http import Request, Response
    from talkover_async.transports import MockTransport

    logging.getLogger("talkover_async").setLevel(logging.WARNING)
    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json"}))

    def answer(request: Request) -> Response:
        return Response(200, headers, MAKE_CALL_BYTES, request)

    def pair(**kw: Any) -> tuple[AsyncTalkover, AsyncTalkover]:
        """A loopback client and a MockTransport client built the same way."""
        return (
            AsyncTalkover(TOKEN, base_url=base_url, env={}, **kw),
            AsyncTalkover(TOKEN, transport=MockTransport(answer), env={}, **kw),
        )

    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    clients = {"none": pair(), "none again": pair()}
    trace.set_tracer_provider(trace.NoOpTracerProvider())
    clients["noop"] = pair()
    clients["noop forced"] = pair(instrument=True)
    exporter = InMemorySpanExporter()
    sdk = TracerProvider()
    sdk.add_span_processor(SimpleSpanProcessor(exporter))
    clients["sdk"] = pair(instrument=sdk)
    traced = {name: c.instrumented for name, (c, _m) in clients.items()}
    assert all(m.instrumented == c.instrumented for c, m in clients.values())
    assert traced == {
        "none": False, "none again": False, "noop": False, "noop forced": True, "sdk": True
    }, traced

    def op(client: AsyncTalkover) -> Any:
        return lambda: client.agents.call(AGENT_ID, **CALL_ARGS)

    out: dict[str, Any] = {}
    try:
        for kind, index, n in (("loopback", 0, requests), ("mock", 1, mock_requests)):
            ops = {name: op(c[index]) for name, c in clients.items()}
            for fn in ops.values():  # warm up: connections opened, decoders generated
                await drive(fn, max(50, n // 5), 1)
            exporter.clear()
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ops}
            for rep in range(reps):
                order = SIDES[rep % len(SIDES):] + SIDES[: rep % len(SIDES)]
                for name in order:
                    # Each side starts from the same collector state: the sdk side's spans
                    # are dropped and collected outside the timed part.
                    gc.collect()
                    runs[name].append(await drive(ops[name], n, 1))
                    if name == "sdk":
                        spans = len(exporter.get_finished_spans())
                        assert spans == n, spans  # one span per request
                        exporter.clear()
                assert not exporter.get_finished_spans()  # and none from the other sides
            out[kind] = summarise(runs, n, traced)
    finally:
        for loopback, _mock in clients.values():
            await loopback.aclose()
        sdk.shutdown()
    return {"requests": requests, "mock_requests": mock_requests, "reps": reps, **out}


def summarise(
    runs: dict[str, list[tuple[float, float]]], n: int, traced: dict[str, bool]
) -> dict[str, Any]:
    """Median and best CPU per request of each side, and their ratios to `none`."""
    out: dict[str, Any] = {}
    for name, per_rep in runs.items():
        out[name] = {
            "client_cpu_us": statistics.median(cpu for _, cpu in per_rep) / n * 1e6,
            "min_client_cpu_us": min(cpu for _, cpu in per_rep) / n * 1e6,
            "wall_us": statistics.median(wall for wall, _ in per_rep) / n * 1e6,
            "traced": traced[name],
        }
    base, best = out["none"]["client_cpu_us"], out["none"]["min_client_cpu_us"]
    for row in out.values():
        row["ratio"] = row["client_cpu_us"] / base
        row["min_ratio"] = row["min_client_cpu_us"] / best
        row["extra_us"] = row["client_cpu_us"] - base
    return out


def table(title: str, sides: dict[str, Any]) -> str:
    lines = [
        title,
        f"{'side':<13}{'traced':<8}{'CPU us/req':>11}{'x none':>8}{'+us':>7}{'best':>8}"
        f"{'x none':>8}{'wall us/req':>13}",
    ]
    for name, row in sides.items():
        lines.append(
            f"{name:<13}{'yes' if row['traced'] else 'no':<8}{row['client_cpu_us']:>11.1f}"
            f"{row['ratio']:>8.3f}{row['extra_us']:>7.1f}{row['min_client_cpu_us']:>8.1f}"
            f"{row['min_ratio']:>8.3f}{row['wall_us']:>13.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="P1 with and without OpenTelemetry.")
    parser.add_argument("--quick", action="store_true", help="fewer requests and repetitions")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    # Short runs, many of them, the sides taking turns: the machine's load changes by the
    # second, and each side should see the same mix of it.
    requests, reps, mock_requests = (200, 4, 500) if args.quick else (250, 40, 1000)
    started = time.perf_counter()
    with server() as base_url:
        result = asyncio.run(measure(base_url, requests, reps, mock_requests))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(table(f"P1, loopback: agents.call, c=1, {requests} requests x {reps} reps",
                result["loopback"]))
    print(table(f"MockTransport: agents.call, {mock_requests} requests x {reps} reps",
                result["mock"]))
    print("CPU: median of the repetitions; +us: over `none`; best: the lowest repetition")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
