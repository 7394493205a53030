"""README examples run as written: against the fake served on loopback, with the environment
variables a user would set."""

from __future__ import annotations

import asyncio
import os
import pathlib
import re
import sys

import pytest

from talkover_async.testing import FakeTalkover, serve_fake

ROOT = pathlib.Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
@pytest.mark.usefixtures("talkover_unknowns")  # --talkover-vary-seeds
async def test_readme_python_block_runs(
    index: int, tmp_path: pathlib.Path, postgres_dsn: str
) -> None:
    token = "talq_readme_example_token"
    fake = FakeTalkover.demo(token=token)
    script = tmp_path / f"block{index}.py"
    script.write_text(BLOCKS[index])
    async with serve_fake(fake) as base_url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TALKOVER_")}
        env |= {"TALKOVER_API_TOKEN": token, "TALKOVER_BASE_URL": base_url}
        env["DATABASE_URL"] = postgres_dsn  # the fleet example's PostgreSQL
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
