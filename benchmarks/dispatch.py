"""Dispatcher benchmarks: `client.dispatch` against raw aiohttp POSTs, same server, same run.

    python benchmarks/dispatch.py                      # both benchmarks, a Markdown report
    python benchmarks/dispatch.py --calls 2000 --rounds 1 --hold-calls 2000   # quick

1. Throughput: dispatch N calls (default 10,000) with no rate limit to the fake served on
   loopback, in calls per second, against raw aiohttp POST + JSON decode with the same
   concurrency. Target: >= 0.80x raw.
2. Memory: N calls (default 10,000) in flight at once against a fake that holds every
   make-call response for 1 s; peak RSS of the client process against raw aiohttp doing the
   same. Target: <= 1.25x raw.

The fake runs in its own process and every client run in a fresh one, so each peak RSS
(`ru_maxrss`) and CPU time is that client's alone. The server listens with a large backlog so
10,000 connections can open at once. Rounds alternate raw / SDK; the best round of each counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TOKEN = "talq_benchmark_token"
HERE = Path(__file__).resolve()


# --- the server process ---------------------------------------------------------------------


async def serve(hold: float) -> None:
    from aiohttp import web

    from talkover_async.testing import FakeTalkover, RequestView, faults

    fake = FakeTalkover.demo(token=TOKEN)
    if hold:
        fake.faults.add("POST /agents/{agent_id}/call", faults.latency(hold), times=None)

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        view = RequestView(
            request.method, request.path, dict(request.query), request.headers, body, "loopback"
        )
        outcome = await fake.handle(view)
        fake.journal.clear()  # keep the server's memory flat over 10,000s of calls
        headers = {k: v for k, v in outcome.headers.items() if k.lower() != "content-length"}
        return web.Response(status=outcome.status or 500, body=outcome.body, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, handle_signals=True, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=16384)
    await site.start()
    port = runner.addresses[0][1]
    print(f"http://127.0.0.1:{port}/api/v1", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


# --- the client processes -------------------------------------------------------------------


def number(i: int) -> str:
    return f"+1{4155550000 + i % 10_000_000:010d}"


async def run_raw(url: str, calls: int, concurrency: int) -> int:
    import aiohttp

    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    ok = 0
    next_index = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=120, connect=60, sock_read=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            nonlocal ok, next_index
            while next_index < calls:
                i = next_index
                next_index += 1
                body = json.dumps({"to": number(i), "payload": {"name": f"n{i}"}}).encode()
                async with session.post(
                    f"{url}/agents/demo/call", data=body, headers=headers
                ) as resp:
                    data = json.loads(await resp.read())
                    if resp.status == 200 and data["data"]["id"]:
                        ok += 1

        await asyncio.gather(*(worker() for _ in range(min(concurrency, calls))))
    return ok


async def run_sdk(url: str, calls: int, concurrency: int, results: str | None) -> int:
    from talkover_async import AsyncTalkover, Timeout
    from talkover_async.dispatch import CallSpec

    specs = (
        CallSpec(agent_id="demo", to=number(i), payload={"name": f"n{i}"}) for i in range(calls)
    )
    timeout = Timeout(total=120, connect=60, read=60)
    async with AsyncTalkover(
        TOKEN, base_url=url, env={}, connection_limit=concurrency, timeout=timeout
    ) as client:
        run = client.dispatch(specs, concurrency=concurrency, results_path=results)
        summary = await run.run()
    return summary.placed


def client_main(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    cpu0 = time.process_time()
    if args.mode == "raw":
        ok = asyncio.run(run_raw(args.url, args.calls, args.concurrency))
    else:
        ok = asyncio.run(run_sdk(args.url, args.calls, args.concurrency, args.results))
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "mode": args.mode,
                "ok": ok,
                "elapsed": elapsed,
                "cpu": time.process_time() - cpu0,
                "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


# --- the orchestrator -----------------------------------------------------------------------


class Server:
    def __init__(self, hold: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE), "serve", "--hold", str(hold)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise RuntimeError("the fake server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


def client(
    url: str, mode: str, calls: int, concurrency: int, results: str | None = None
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(HERE),
        "client",
        mode,
        url,
        "--calls",
        str(calls),
        "--concurrency",
        str(concurrency),
    ]
    if results:
        cmd += ["--results", results]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["ok"] != calls:
        raise RuntimeError(f"{mode}: only {result['ok']} of {calls} calls succeeded")
    return result


def throughput(calls: int, concurrency: int, rounds: int) -> dict[str, Any]:
    """Best of `rounds` for each client; a fresh server (empty fake) for every run, warmed."""
    import tempfile

    best: dict[str, dict[str, Any]] = {}
    for _ in range(rounds):
        for name in ("raw", "sdk", "sdk+file"):
            server = Server(hold=0.0)
            try:
                client(server.url, "raw", min(calls, 500), concurrency)  # warm the server
                with tempfile.TemporaryDirectory() as tmp:
                    results = f"{tmp}/results.jsonl" if name == "sdk+file" else None
                    run = client(server.url, name.split("+")[0], calls, concurrency, results)
            finally:
                server.stop()
            if name not in best or run["elapsed"] < best[name]["elapsed"]:
                best[name] = run
    return best


def memory(calls: int, hold: float) -> dict[str, Any]:
    server = Server(hold=hold)
    try:
        return {
            "raw": client(server.url, "raw", calls, calls),
            "sdk": client(server.url, "sdk", calls, calls),
        }
    finally:
        server.stop()


_LABELS = {
    "raw": "raw aiohttp POST + json",
    "sdk": "client.dispatch",
    "sdk+file": "client.dispatch + results file",
}


def report(args: argparse.Namespace) -> None:
    t = throughput(args.calls, args.concurrency, args.rounds)
    raw_rate = args.calls / t["raw"]["elapsed"]
    print(
        f"## Dispatch throughput ({args.calls:,} calls, concurrency {args.concurrency}, "
        "no rate limit)\n"
    )
    print("| client | calls/s | ratio to raw | client CPU µs/call |")
    print("|---|---:|---:|---:|")
    for name in ("raw", "sdk", "sdk+file"):
        run = t[name]
        rate = args.calls / run["elapsed"]
        cpu = run["cpu"] / args.calls * 1e6
        print(f"| {_LABELS[name]} | {rate:,.0f} | {rate / raw_rate:.2f}x | {cpu:,.0f} |")
    m = memory(args.hold_calls, args.hold)
    print(
        f"\n## Peak RSS with {args.hold_calls:,} calls in flight "
        f"(fake holds each response {args.hold:g} s)\n"
    )
    print("| client | peak RSS | ratio to raw | wall time |")
    print("|---|---:|---:|---:|")
    raw_rss = m["raw"]["maxrss_kb"]
    for name, label in (("raw", "raw aiohttp"), ("sdk", "client.dispatch")):
        run = m[name]
        rss = run["maxrss_kb"]
        print(
            f"| {label} | {rss / 1024:,.1f} MiB | {rss / raw_rss:.2f}x | {run['elapsed']:.2f} s |"
        )
    print(f"\nPython {sys.version.split()[0]}, {sys.platform}; best of {args.rounds} round(s).")


def main() -> None:
    parser = argparse.ArgumentParser(description="dispatcher benchmarks")
    sub = parser.add_subparsers(dest="command")
    s = sub.add_parser("serve")
    s.add_argument("--hold", type=float, default=0.0)
    c = sub.add_parser("client")
    c.add_argument("mode", choices=["raw", "sdk"])
    c.add_argument("url")
    c.add_argument("--calls", type=int, default=10_000)
    c.add_argument("--concurrency", type=int, default=64)
    c.add_argument("--results")
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hold-calls", type=int, default=10_000)
    parser.add_argument("--hold", type=float, default=1.0)
    args = parser.parse_args()
    if args.command == "serve":
        asyncio.run(serve(args.hold))
    elif args.command == "client":
        client_main(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
