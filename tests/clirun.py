"""Running the `talkover` command as a user does: a subprocess, plain or on a pseudo-terminal."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs the CLI with `rich` made unimportable (as after `pip install talkover-async`).
NO_RICH = (
    "import sys; sys.modules['rich'] = None; "
    "from talkover_async.cli import main; sys.exit(main(sys.argv[1:]))"
)

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment without any TALKOVER_ variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKOVER_")}
    env["PYTHONWARNINGS"] = "error::ResourceWarning"
    env.update(extra or {})
    return env


def command(*args: str | Path, no_rich: bool = False) -> list[str]:
    if no_rich:
        return [sys.executable, "-c", NO_RICH, *map(str, args)]
    return [sys.executable, "-m", "talkover_async", *map(str, args)]


def talkover(
    *args: str | Path,
    env: Mapping[str, str] | None = None,
    no_rich: bool = False,
    timeout: float = 120,
    **kw: object,
) -> subprocess.CompletedProcess[str]:
    """`talkover ARGS` in a subprocess (stdout and stderr captured: not a terminal)."""
    return subprocess.run(
        command(*args, no_rich=no_rich),
        check=False,
        capture_output=True,
        text=True,
        env=clean_env(env),
        cwd=ROOT,
        timeout=timeout,
        **kw,  # type: ignore[arg-type]
    )


async def atalkover(
    *args: str | Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> tuple[int, str, str]:
    """`talkover ARGS` from async code (the test's loop keeps serving while it runs)."""
    proc = await asyncio.create_subprocess_exec(
        *command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(env),
        cwd=ROOT,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def on_pty(
    *args: str | Path,
    no_rich: bool = False,
    timeout: float = 120,
    columns: int = 120,
    env: Mapping[str, str] | None = None,
) -> tuple[int, str]:
    """`talkover ARGS` with stdin, stdout and stderr on a pseudo-terminal, as in a terminal
    window; the exit status and everything the terminal received, ANSI codes removed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    full_env = clean_env({"TERM": "xterm-256color", "COLUMNS": str(columns), **(env or {})})
    full_env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        command(*args, no_rich=no_rich),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=full_env,
        cwd=ROOT,
        close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError as exc:  # EIO: the child closed its end
                if exc.errno != errno.EIO:
                    raise
                break
            if not data:
                break
            chunks.append(data)
        status = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return status, _ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


def write_contacts(path: Path, rows: int, *, start: int = 0) -> Path:
    """A CSV of `rows` distinct numbers."""
    lines = ["to,name"] + [f"+1415555{start + i:04d},Person {i}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path
