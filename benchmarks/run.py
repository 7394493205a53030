"""Measure P1-P5 side by side and check the guards of issue 13, print a table, write results.json.

| id  | what                                                                    | guard         |
| P1  | `client.agents.call` vs raw aiohttp POST + JSON decode, loopback, c=1    | <= 1.30x CPU  |
|     | (client CPU per request, the control row: 64 KiB reads on both sides)   |               |
| P2  | the same at concurrency 256                                              | >= 0.70x tput |
| P3  | decode a 100-call page into models vs pydantic v2 `model_validate_json`  | <= 1.55x time |
| P3b | decode one documented agent the same way                                 | <= 1.55x time |
| P4  | peak RSS with 10,000 requests in flight vs raw aiohttp                   | <= 1.25x      |
| P5  | a `MockTransport` round trip through the full chain vs one loopback req  | <= 0.25x time |

The guards are the measured pure-Python floors of this design (issue 13 retired issue 6's
targets P1 <= 1.10x, P2 >= 0.90x, P3/P3b <= 1.0x). A missed guard is marked NO in the table
and listed, with both sides' figures of this run, after it.

Loopback servers run in their own process; P4 measures each side in its own fresh process.
Every figure is the median of several repetitions, raw and SDK alternating.

    python benchmarks/run.py              # full run (a few minutes)
    python benchmarks/run.py --quick      # short run (CI smoke test)
    python benchmarks/run.py --quick --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bodies import (  # noqa: E402
    AGENT_ID,
    CALLS_PAGE_BYTES,
    GET_AGENT_BYTES,
    MAKE_CALL_BYTES,
    TOKEN,
)
from loopback import CALL_ARGS, RawSide, SdkSide, compare, drive, raise_nofile, server  # noqa: E402

#: The guards (issue 13). P1's applies to its control row (`guard_ratio`).
TARGETS: dict[str, tuple[str, float]] = {
    "P1": ("<=", 1.30),
    "P2": (">=", 0.70),
    "P3": ("<=", 1.55),
    "P3b": ("<=", 1.55),
    "P4": ("<=", 1.25),
    "P5": ("<=", 0.25),
}


def machine() -> dict[str, Any]:
    """Where the figures came from."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import aiohttp
    import attrs
    import cattrs
    import orjson
    import pydantic

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "aiohttp": aiohttp.__version__,
        "attrs": attrs.__version__,
        "cattrs": getattr(cattrs, "__version__", "?"),
        "orjson": orjson.__version__,
        "pydantic": pydantic.VERSION,
    }


def met(pid: str, ratio: float) -> bool:
    op, target = TARGETS[pid]
    return ratio <= target if op == "<=" else ratio >= target


# --- P1, P2: loopback overhead ----------------------------------------------------------------
def per_request(runs: list[tuple[float, float]], requests: int) -> tuple[float, float]:
    """Median (wall us, CPU us) per request."""
    return (
        statistics.median(w for w, _ in runs) / requests * 1e6,
        statistics.median(c for _, c in runs) / requests * 1e6,
    )


async def p1_p2(base_url: str, quick: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    reps = 3 if quick else 7
    n1 = 300 if quick else 2000
    runs = await compare(base_url, "call", requests=n1, concurrency=1, reps=reps)
    raw_wall, raw_cpu = per_request(runs["raw"], n1)
    sdk_wall, sdk_cpu = per_request(runs["sdk"], n1)
    out["P1"] = {
        "what": "client.agents.call vs raw aiohttp POST + JSON decode, loopback, concurrency 1",
        "raw_us_per_request": raw_wall,
        "sdk_us_per_request": sdk_wall,
        "raw_client_cpu_us": raw_cpu,
        "sdk_client_cpu_us": sdk_cpu,
        "wall_ratio": sdk_wall / raw_wall,
        "ratio": sdk_cpu / raw_cpu,
        "ratio_is": "client CPU time per request, SDK / raw",
        "requests": n1,
        "reps": reps,
    }
    # Control: the same comparison with asyncio's read size lowered for raw aiohttp too, so
    # the ratio shows the SDK's own overhead without the read-size fix it brings (see
    # `RECV_SIZE` in the transport): the raw side may or may not hit the mmap-per-read
    # pattern, depending on its heap layout.
    with same_recv_size():
        control = await compare(base_url, "call", requests=n1, concurrency=1, reps=reps)
    c_raw_wall, c_raw_cpu = per_request(control["raw"], n1)
    c_sdk_wall, c_sdk_cpu = per_request(control["sdk"], n1)
    out["P1"]["control"] = {
        "what": "the same with 64 KiB reads on both sides",
        "raw_client_cpu_us": c_raw_cpu,
        "sdk_client_cpu_us": c_sdk_cpu,
        "ratio": c_sdk_cpu / c_raw_cpu,
        "wall_ratio": c_sdk_wall / c_raw_wall,
    }
    n2 = 3000 if quick else 20000
    runs = await compare(base_url, "call", requests=n2, concurrency=256, reps=reps)
    raw_rps = statistics.median(n2 / w for w, _ in runs["raw"])
    sdk_rps = statistics.median(n2 / w for w, _ in runs["sdk"])
    raw_wall, raw_cpu = per_request(runs["raw"], n2)
    sdk_wall, sdk_cpu = per_request(runs["sdk"], n2)
    out["P2"] = {
        "what": "the same at concurrency 256 (throughput)",
        "raw_requests_per_s": raw_rps,
        "sdk_requests_per_s": sdk_rps,
        "raw_client_cpu_us": raw_cpu,
        "sdk_client_cpu_us": sdk_cpu,
        "cpu_ratio": sdk_cpu / raw_cpu,
        "ratio": sdk_rps / raw_rps,
        "ratio_is": "throughput, SDK / raw",
        "requests": n2,
        "reps": reps,
    }
    with same_recv_size():
        control = await compare(base_url, "call", requests=n2, concurrency=256, reps=reps)
    c_raw = statistics.median(n2 / w for w, _ in control["raw"])
    c_sdk = statistics.median(n2 / w for w, _ in control["sdk"])
    out["P2"]["control"] = {
        "what": "the same with 64 KiB reads on both sides",
        "raw_requests_per_s": c_raw,
        "sdk_requests_per_s": c_sdk,
        "ratio": c_sdk / c_raw,
    }
    return out


@contextmanager
def same_recv_size() -> Iterator[None]:
    """Give raw aiohttp the SDK's read size too (asyncio's selector transport, class-wide)."""
    from asyncio.selector_events import _SelectorSocketTransport

    from talkover_async.transports.aiohttp import RECV_SIZE

    before = _SelectorSocketTransport.max_size
    _SelectorSocketTransport.max_size = RECV_SIZE
    try:
        yield
    finally:
        _SelectorSocketTransport.max_size = before


# --- P3, P3b: decoding ------------------------------------------------------------------------
def _time_us(fn: Any, number: int) -> float:
    return timeit.timeit(fn, number=number) / number * 1e6


def p3(quick: bool) -> dict[str, Any]:
    import orjson
    import pydantic_models as pm

    from talkover_async.http import Response
    from talkover_async.operations import OPERATIONS, decode_response

    AGENTS_GET, CALLS_LIST = OPERATIONS["agents.get"], OPERATIONS["calls.list"]

    reps = 5 if quick else 15
    out: dict[str, Any] = {}
    cases = [
        ("P3", "a 100-call page (list calls)", CALLS_LIST, CALLS_PAGE_BYTES, pm.CallsPage, 50),
        ("P3b", "one documented agent (get agent)", AGENTS_GET, GET_AGENT_BYTES,
         pm.AgentEnvelope, 1000),
    ]
    for pid, what, op, body, model, number in cases:
        # What the client does once the transport has the body: envelope, then models.
        response = Response(200, {"Content-Type": "application/json"}, body)
        page = decode_response(op, response)  # warm (decoder generated) and sanity check
        model.model_validate_json(body)
        assert page is not None
        sdk, pyd, loads = [], [], []
        for rep in range(reps):
            pairs = [
                (sdk, lambda op=op, r=response: decode_response(op, r)),
                (pyd, lambda m=model, b=body: m.model_validate_json(b)),
            ]
            for store, fn in pairs if rep % 2 == 0 else reversed(pairs):
                store.append(_time_us(fn, number))
            loads.append(_time_us(lambda b=body: orjson.loads(b), number))
        out[pid] = {
            "what": f"decode {what}: SDK decode path vs pydantic v2 model_validate_json",
            "sdk_us": statistics.median(sdk),
            "pydantic_us": statistics.median(pyd),
            "orjson_loads_us": statistics.median(loads),
            "ratio": statistics.median(sdk) / statistics.median(pyd),
            "ratio_is": "time, SDK / pydantic",
            "reps": reps,
        }
    return out


# --- P4: memory with 10,000 in flight ---------------------------------------------------------
async def _p4_child(side: str, base_url: str, n: int) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    client: Any = (
        RawSide(base_url, limit=0)
        if side == "raw"
        else SdkSide(base_url, limit=0, long_timeouts=True)
    )
    async with client:
        started = time.perf_counter()
        results = await asyncio.gather(*(client.call() for _ in range(n)), return_exceptions=True)
        elapsed = time.perf_counter() - started
    errors = [r for r in results if isinstance(r, BaseException)]
    hwm = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return {
        "side": side,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "vmhwm_kb": hwm,
        "rss_before_kb": before,
        "errors": len(errors),
        "first_error": repr(errors[0])[:200] if errors else None,
        "elapsed_s": elapsed,
    }


def p4_child_main(side: str, base_url: str, n: int) -> None:
    raise_nofile()
    # Import what the side needs before the "before" figure, as an application would have.
    if side == "sdk":
        import talkover_async  # noqa: F401
    print(json.dumps(asyncio.run(_p4_child(side, base_url, n))))


def p4(quick: bool) -> dict[str, Any]:
    # The quick run (a CI smoke test) keeps 2,000 in flight so it stays well under 2 minutes
    # on a busy machine; the figures in the README come from full runs (10,000).
    n = 2_000 if quick else 10_000
    reps = 1 if quick else 3
    runs: dict[str, list[dict[str, Any]]] = {"raw": [], "sdk": []}
    with server(hold=1.0) as base_url:
        for rep in range(reps):
            for side in ("raw", "sdk") if rep % 2 == 0 else ("sdk", "raw"):
                # Through `sh`, which forks the child: a process started straight from this
                # one (vfork/fork + exec) inherits this process's peak RSS in ru_maxrss.
                proc = subprocess.run(
                    ["/bin/sh", "-c", '"$@"; exit $?', "sh", sys.executable,
                     str(Path(__file__).resolve()), "--p4-child", side,
                     "--p4-url", base_url, "--p4-n", str(n)],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
                if proc.returncode != 0:
                    raise RuntimeError(f"P4 {side} child failed: {proc.stderr[-2000:]}")
                runs[side].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    raw = statistics.median(r["maxrss_kb"] for r in runs["raw"])
    sdk = statistics.median(r["maxrss_kb"] for r in runs["sdk"])
    raw_before = statistics.median(r["rss_before_kb"] for r in runs["raw"])
    sdk_before = statistics.median(r["rss_before_kb"] for r in runs["sdk"])
    return {
        "P4": {
            "what": f"peak RSS with {n:,} requests in flight (server holds each ~1 s)",
            "raw_peak_rss_mb": raw / 1024,
            "sdk_peak_rss_mb": sdk / 1024,
            "raw_rss_before_mb": raw_before / 1024,
            "sdk_rss_before_mb": sdk_before / 1024,
            "raw_errors": sum(r["errors"] for r in runs["raw"]),
            "sdk_errors": sum(r["errors"] for r in runs["sdk"]),
            "raw_elapsed_s": statistics.median(r["elapsed_s"] for r in runs["raw"]),
            "sdk_elapsed_s": statistics.median(r["elapsed_s"] for r in runs["sdk"]),
            "growth_ratio": (sdk - sdk_before) / max(1.0, raw - raw_before),
            "ratio": sdk / raw,
            "ratio_is": "peak RSS (ru_maxrss), SDK / raw, each in a fresh process",
            "reps": reps,
            "runs": runs,
        }
    }


# --- P5: MockTransport vs loopback ------------------------------------------------------------
async def _mock_round_trip(n: int, reps: int) -> list[float]:
    from multidict import CIMultiDict, CIMultiDictProxy

    from talkover_async import AsyncTalkover
    from talkover_async.http import Request, Response
    from talkover_async.transports import MockTransport

    headers = CIMultiDictProxy(CIMultiDict({"Content-Type": "application/json"}))

    def handler(request: Request) -> Response:
        return Response(200, headers, MAKE_CALL_BYTES, request)

    out = []
    async with AsyncTalkover(TOKEN, transport=MockTransport(handler), env={}) as client:

        async def op() -> Any:
            return await client.agents.call(AGENT_ID, **CALL_ARGS)

        await drive(op, 200, 1)
        for _ in range(reps):
            wall, _cpu = await drive(op, n, 1)
            out.append(wall / n * 1e6)
    return out


def p5(base_url: str, quick: bool) -> dict[str, Any]:
    reps = 3 if quick else 7
    n = 300 if quick else 2000

    async def loopback() -> list[float]:
        out = []
        async with RawSide(base_url) as raw:
            await drive(raw.call, 200, 1)
            for _ in range(reps):
                wall, _cpu = await drive(raw.call, n, 1)
                out.append(wall / n * 1e6)
        return out

    mock = statistics.median(asyncio.run(_mock_round_trip(n * 5, reps)))
    loop = statistics.median(asyncio.run(loopback()))
    return {
        "P5": {
            "what": "client.agents.call on MockTransport (full chain) vs one raw aiohttp "
            "loopback request",
            "mock_us": mock,
            "loopback_us": loop,
            "ratio": mock / loop,
            "ratio_is": "wall time per request, mock SDK / loopback raw",
            "reps": reps,
        }
    }


# --- main ---------------------------------------------------------------------------------------
def table(results: dict[str, Any]) -> str:
    rows = [
        ("P1", "call c=1, CPU/req, control", "raw_client_cpu_us", "sdk_client_cpu_us", "us"),
        ("P2", "call c=256, throughput", "raw_requests_per_s", "sdk_requests_per_s", "req/s"),
        ("P3", "decode 100-call page", "pydantic_us", "sdk_us", "us"),
        ("P3b", "decode one agent", "pydantic_us", "sdk_us", "us"),
        ("P4", "peak RSS, 10k in flight", "raw_peak_rss_mb", "sdk_peak_rss_mb", "MB"),
        ("P5", "MockTransport vs loopback", "loopback_us", "mock_us", "us"),
    ]
    lines = [
        f"{'id':<5}{'what':<28}{'baseline':>12}{'sdk':>12}  {'unit':<6}{'ratio':>7}"
        f"  {'target':<8}{'met':<4}",
    ]
    for pid, what, base_key, sdk_key, unit in rows:
        r = results.get(pid)
        if r is None:
            continue
        op, target = TARGETS[pid]
        figures = r["control"] if pid == "P1" else r  # P1's guard is on its control row
        lines.append(
            f"{pid:<5}{what:<28}{figures[base_key]:>12.1f}{figures[sdk_key]:>12.1f}  {unit:<6}"
            f"{r['guard_ratio']:>7.3f}  {op + ' ' + str(target):<8}"
            f"{'yes' if r['met'] else 'NO':<4}"
        )
    if "P1" in results:
        p1 = results["P1"]
        lines.append(
            f"      P1 wall time per request: raw {p1['raw_us_per_request']:.1f} us, "
            f"SDK {p1['sdk_us_per_request']:.1f} us ({p1['wall_ratio']:.3f}x)"
        )
        lines.append(
            f"      P1 plain (raw aiohttp's own read size): raw {p1['raw_client_cpu_us']:.1f} us,"
            f" SDK {p1['sdk_client_cpu_us']:.1f} us ({p1['ratio']:.3f}x)"
        )
    if "P2" in results:
        p2 = results["P2"]
        lines.append(
            f"      P2 client CPU per request: raw {p2['raw_client_cpu_us']:.1f} us, "
            f"SDK {p2['sdk_client_cpu_us']:.1f} us ({p2['cpu_ratio']:.3f}x)"
        )
        c2 = p2["control"]
        lines.append(
            f"      P2 control, 64 KiB reads on both sides: raw {c2['raw_requests_per_s']:.0f}"
            f" req/s, SDK {c2['sdk_requests_per_s']:.0f} req/s ({c2['ratio']:.3f}x)"
        )
    if "P3" in results:
        lines.append(
            f"      orjson.loads alone: page {results['P3']['orjson_loads_us']:.1f} us, "
            f"agent {results['P3b']['orjson_loads_us']:.1f} us"
        )
    if "P4" in results:
        p4r = results["P4"]
        lines.append(
            f"      P4 RSS before the burst: raw {p4r['raw_rss_before_mb']:.1f} MB, SDK "
            f"{p4r['sdk_rss_before_mb']:.1f} MB; growth ratio {p4r['growth_ratio']:.3f}x; "
            f"errors raw {p4r['raw_errors']}, SDK {p4r['sdk_errors']}"
        )
    missed = [pid for pid, r in results.items() if not r["met"]]
    for pid in missed:
        r = results[pid]
        figures = r["control"] if pid == "P1" else r
        base_key, sdk_key, unit = next((b, k, u) for p, _, b, k, u in rows if p == pid)
        op, target = TARGETS[pid]
        lines.append(
            f"GUARD MISSED {pid}: baseline {figures[base_key]:.1f} {unit}, SDK "
            f"{figures[sdk_key]:.1f} {unit}, ratio {r['guard_ratio']:.3f} (guard {op} {target})"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure P1-P5 and check the guards (issue 13).")
    parser.add_argument("--quick", action="store_true", help="fewer requests and repetitions")
    parser.add_argument("--no-write", action="store_true", help="do not write results.json")
    parser.add_argument(
        "--only", default="", help="comma-separated subset, e.g. P3,P3b (default: all)"
    )
    parser.add_argument("--p4-child", choices=["raw", "sdk"], help=argparse.SUPPRESS)
    parser.add_argument("--p4-url", help=argparse.SUPPRESS)
    parser.add_argument("--p4-n", type=int, default=10_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.p4_child:
        p4_child_main(args.p4_child, args.p4_url, args.p4_n)
        return

    raise_nofile()
    only = {x.strip() for x in args.only.split(",") if x.strip()}

    def wanted(pid: str) -> bool:
        return not only or pid in only

    started = time.perf_counter()
    results: dict[str, Any] = {}
    if wanted("P3") or wanted("P3b"):
        results.update(p3(args.quick))
    if wanted("P1") or wanted("P2") or wanted("P5"):
        with server() as base_url:
            if wanted("P1") or wanted("P2"):
                results.update(asyncio.run(p1_p2(base_url, args.quick)))
            if wanted("P5"):
                results.update(p5(base_url, args.quick))
    if wanted("P4"):
        results.update(p4(args.quick))
    results = {k: v for k, v in results.items() if wanted(k)}
    for pid, r in results.items():
        r["target"] = " ".join(map(str, TARGETS[pid]))
        r["guard_ratio"] = r["control"]["ratio"] if pid == "P1" else r["ratio"]
        r["met"] = met(pid, r["guard_ratio"])
    print(table(results))
    print(f"({'quick' if args.quick else 'full'} run, {time.perf_counter() - started:.0f} s)")
    if not args.no_write:
        doc = {
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "mode": "quick" if args.quick else "full",
            "machine": machine(),
            "results": results,
        }
        (HERE / "results.json").write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {HERE / 'results.json'}")


if __name__ == "__main__":
    main()
