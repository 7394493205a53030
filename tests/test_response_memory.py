"""Memory stays bounded near `max_response_size` whatever the server sends (issue 12, item 1).

The client runs in a subprocess whose address space is capped with `RLIMIT_AS`
(`MEMORY_LIMIT`, about five times its footprint after imports, far below what any of the
answers would take if read whole). The server runs here, on loopback, and sends:

- `length`: a `Content-Length` of 1.5 GB, then zeros for as long as the client reads;
- `bomb`: about 1 MB of gzip that expands to 1 GiB of zeros;
- `endless`: a chunked body of zeros that never ends (bounded here at 2 GiB).

Each must end in `ResponseTooLargeError` in the child. Reading any of them whole needs more
than the cap, so a client without the limit dies with `MemoryError` (or is killed).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
import zlib
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from .conftest import start_app

MEMORY_LIMIT = 700 * 1024 * 1024
CHUNK = bytes(256 * 1024)
ENDLESS_CAP = 2 * 1024**3


def _gzip_bomb() -> bytes:
    """About 1 MB of gzip that expands to 1 GiB of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    parts = [compressor.compress(zeros) for _ in range(1024)]
    parts.append(compressor.flush())
    return b"".join(parts)


CHILD = textwrap.dedent(
    """
    import asyncio, json, resource, sys
    from talkover_async import AsyncTalkover, ResponseTooLargeError

    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    async def main() -> None:
        results = {}
        async with AsyncTalkover(
            "talq_test_memory", base_url=sys.argv[1], env={}, max_retries=0
        ) as client:
            for case in ("length", "bomb", "endless"):
                try:
                    await client.agents.get(case)
                    results[case] = "read whole"
                except ResponseTooLargeError as exc:
                    results[case] = "too large: " + str(exc)
                except MemoryError:
                    results[case] = "MemoryError"
                except Exception as exc:
                    results[case] = type(exc).__name__ + ": " + str(exc)[:200]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"results": results, "peak_rss_kib": peak}))

    asyncio.run(main())
    """
)


@pytest.fixture
async def hostile_server() -> AsyncIterator[str]:
    bomb = await asyncio.to_thread(_gzip_bomb)
    assert len(bomb) < 2 * 1024 * 1024  # a small body...

    async def handle(request: web.Request) -> web.StreamResponse:
        case = request.path.rsplit("/", 1)[-1]
        if case == "bomb":  # ...that expands 1000-fold
            return web.Response(
                body=bomb,
                headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
            )
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        if case == "length":
            resp.content_length = 1_500_000_000
        else:
            resp.enable_chunked_encoding()
        await resp.prepare(request)
        sent = 0
        try:
            while sent < ENDLESS_CAP:
                await resp.write(CHUNK)
                sent += len(CHUNK)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: what we expect
        return resp

    runner, url = await start_app(handle)
    try:
        yield url
    finally:
        await runner.cleanup()


async def test_memory_stays_bounded_for_huge_bombed_and_endless_bodies(
    hostile_server: str,
) -> None:
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}  # thread arenas would inflate the address space
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        hostile_server,
        str(MEMORY_LIMIT),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        async with asyncio.timeout(120):
            out, err = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err.decode()[-2000:]
    report = json.loads(out.decode().strip().splitlines()[-1])
    results = report["results"]
    for case in ("length", "bomb", "endless"):
        assert results[case].startswith("too large: "), (case, results[case])
        assert "max_response_size" in results[case]
    # Well under the cap: the 32 MiB limit plus the interpreter, not the gigabytes sent.
    assert report["peak_rss_kib"] * 1024 < MEMORY_LIMIT
