"""P1 with and without OpenTelemetry: client CPU per `client.agents.call` at concurrency 1.

Side by side in one process, against the loopback server of `run.py` (its own process), the
sides alternating in each repetition:

- `none`: no tracer configured (the client, built in auto mode before any provider is set,
  has no tracing middleware: the chain of a client without the `otel` extra);
- `none again`: a second client like the first (an A/A control: its distance from `none` is
  the noise of the run);
- `noop`: a global `NoOpTracerProvider` configured, client in auto mode (it sees the no-op
  provider and adds nothing: the figure that must equal `none`);
- `noop forced` (for information): `instrument=True` with that no-op provider, so the
  tracing middleware runs and every API call is a no-op;
- `sdk` (for information): `instrument=` an SDK `TracerProvider` with a
  `SimpleSpanProcessor` into an `InMemorySpanExporter` (emptied between repetitions): the
  cost of recording one span per request.

    python benchmarks/otel.py            # ~1-2 min
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

from bodies import AGENT_ID, TOKEN  # noqa: E402
from loopback import CALL_ARGS, drive, server  # noqa: E402


async def measure(base_url: str, requests: int, reps: int) -> dict[str, Any]:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from talkover_async import AsyncTalkover

    logging.getLogger("talkover_async").setLevel(logging.WARNING)

    def client(**kw: Any) -> AsyncTalkover:
        return AsyncTalkover(TOKEN, base_url=base_url, env={}, **kw)

    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    clients = {"none": client(), "none again": client()}
    trace.set_tracer_provider(trace.NoOpTracerProvider())
    clients["noop"] = client()
    clients["noop forced"] = client(instrument=True)
    exporter = InMemorySpanExporter()
    sdk = TracerProvider()
    sdk.add_span_processor(SimpleSpanProcessor(exporter))
    clients["sdk"] = client(instrument=sdk)
    traced = {name: c.instrumented for name, c in clients.items()}
    assert traced == {
        "none": False, "none again": False, "noop": False, "noop forced": True, "sdk": True
    }, traced

    ops = {
        name: (lambda c=c: c.agents.call(AGENT_ID, **CALL_ARGS)) for name, c in clients.items()
    }
    try:
        for op in ops.values():  # warm up: connections opened, decoders generated
            await drive(op, max(50, requests // 5), 1)
        exporter.clear()
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ops}
        names = list(ops)
        for rep in range(reps):
            order = names[rep % len(names):] + names[: rep % len(names)]
            for name in order:
                # Each side starts from the same collector state: the sdk side's spans are
                # dropped and collected outside the timed part, not during another side's.
                gc.collect()
                runs[name].append(await drive(ops[name], requests, 1))
                if name == "sdk":
                    spans = len(exporter.get_finished_spans())
                    assert spans == requests, spans  # one span per request
                    exporter.clear()
            assert not exporter.get_finished_spans()  # and none from the other sides
    finally:
        for c in clients.values():
            await c.aclose()
        sdk.shutdown()

    out: dict[str, Any] = {}
    for name, per_rep in runs.items():
        out[name] = {
            "client_cpu_us": statistics.median(cpu for _, cpu in per_rep) / requests * 1e6,
            "min_client_cpu_us": min(cpu for _, cpu in per_rep) / requests * 1e6,
            "wall_us": statistics.median(wall for wall, _ in per_rep) / requests * 1e6,
            "traced": traced[name],
        }
    base, best = out["none"]["client_cpu_us"], out["none"]["min_client_cpu_us"]
    for row in out.values():
        row["ratio"] = row["client_cpu_us"] / base
        row["min_ratio"] = row["min_client_cpu_us"] / best
    return {"requests": requests, "reps": reps, "sides": out}


def main() -> None:
    parser = argparse.ArgumentParser(description="P1 with and without OpenTelemetry.")
    parser.add_argument("--quick", action="store_true", help="fewer requests and repetitions")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    # Short runs, many of them, the sides taking turns: the machine's load changes by the
    # second, and each side should see the same mix of it.
    requests, reps = (200, 4) if args.quick else (250, 40)
    started = time.perf_counter()
    with server() as base_url:
        result = asyncio.run(measure(base_url, requests, reps))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"P1 with OpenTelemetry: agents.call, c=1, {requests} requests x {reps} reps")
    print(
        f"{'side':<13}{'traced':<8}{'CPU us/req':>11}{'x none':>8}{'best':>8}{'x none':>8}"
        f"{'wall us/req':>13}"
    )
    for name, row in result["sides"].items():
        print(
            f"{name:<13}{'yes' if row['traced'] else 'no':<8}{row['client_cpu_us']:>11.1f}"
            f"{row['ratio']:>8.3f}{row['min_client_cpu_us']:>8.1f}{row['min_ratio']:>8.3f}"
            f"{row['wall_us']:>13.1f}"
        )
    print("CPU: median of the repetitions; best: the lowest repetition (least disturbed)")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
