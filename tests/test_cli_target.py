"""Which API the CLI talks to (the fake only when nothing points elsewhere), `--timeout`, and
connection / timeout / auth errors as one line (subprocesses against loopback servers)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from talkover_async.testing import FakeTalkover, serve_fake

from .clirun import atalkover, talkover, write_contacts
from .test_cli_errors import one_error_line

TOKEN = "talq_test_cli_target_0123456789"
WRONG = "talq_test_wrong_token_0123456789"


def test_nothing_set_uses_the_fake_and_says_so() -> None:
    proc = talkover("--json", "agents", "list")
    assert proc.returncode == 0, proc.stderr
    assert "TALKOVER_API_TOKEN is not set: using the embedded fake" in proc.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--base-url", "http://127.0.0.1:9/api/v1", "agents", "list"), {}),
        (("agents", "list", "--base-url", "http://127.0.0.1:9/api/v1"), {}),
        (("agents", "list"), {"TALKOVER_BASE_URL": "http://127.0.0.1:9/api/v1"}),
        (("call", "demo", "--to", "+14155550100"), {"TALKOVER_BASE_URL": "http://127.0.0.1:9"}),
    ],
)
def test_a_base_url_without_a_token_is_an_error(args: tuple[str, ...], env: dict[str, str]) -> None:
    proc = talkover(*args, env=env)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr)
    assert "TALKOVER_API_TOKEN" in line and "--fake" in line
    assert "embedded fake Talkover API" not in proc.stderr and proc.stdout == ""


def test_a_base_url_without_a_token_dials_nothing(tmp_path: Path) -> None:
    contacts = write_contacts(tmp_path / "c.csv", 3)
    proc = talkover("dispatch", contacts, "--agent", "demo", env={"TALKOVER_BASE_URL": "http://x"})
    assert proc.returncode == 2 and "TALKOVER_API_TOKEN" in one_error_line(proc.stderr)
    assert "dispatch summary" not in proc.stdout


def test_fake_forces_the_embedded_fake() -> None:
    env = {"TALKOVER_API_TOKEN": TOKEN, "TALKOVER_BASE_URL": "http://127.0.0.1:9/api/v1"}
    proc = talkover("--json", "agents", "list", "--fake", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "--fake given: using the embedded fake" in proc.stderr
    assert json.loads(proc.stdout)[0]["id"] == "demo"
    both = talkover("agents", "list", "--fake", "--base-url", "http://127.0.0.1:9")
    assert both.returncode == 2 and "exclude each other" in one_error_line(both.stderr)


async def test_token_and_base_url_use_that_api() -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as base_url:
        status, out, err = await atalkover(
            "--json", "agents", "list", "--base-url", base_url, env={"TALKOVER_API_TOKEN": TOKEN}
        )
    assert status == 0, err
    assert "embedded fake" not in err
    assert json.loads(out)[0]["id"] == "demo"
    assert any(r.path.endswith("/agents") for r in fake.journal)


async def test_wrong_token_is_one_line_without_the_token() -> None:
    fake = FakeTalkover.demo(token=TOKEN)
    async with serve_fake(fake) as base_url:
        status, out, err = await atalkover(
            "calls", "list", "--base-url", base_url, env={"TALKOVER_API_TOKEN": WRONG}
        )
    assert status == 1
    line = one_error_line(err)
    assert line.startswith("error: AuthenticationError:") and "TALKOVER_API_TOKEN" in line
    assert WRONG not in err and WRONG not in out


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_refused_connection_is_one_line(closed_port: int) -> None:
    env = {"TALKOVER_API_TOKEN": TOKEN}
    proc = talkover("agents", "list", "--base-url", f"http://127.0.0.1:{closed_port}/api/v1", env=env)
    assert proc.returncode == 1
    line = one_error_line(proc.stderr)
    assert line.startswith("error: APIConnectionError:") and "--base-url" in line


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        yield s.getsockname()[1]


@pytest.mark.parametrize(
    "args",
    [("agents", "list"), ("calls", "list"), ("call", "demo", "--to", "+14155550100")],
)
async def test_timeout_against_a_server_that_never_answers(
    silent_server: int, args: tuple[str, ...]
) -> None:
    base_url = f"http://127.0.0.1:{silent_server}/api/v1"
    status, out, err = await asyncio.wait_for(
        atalkover(*args, "--timeout", "1", "--base-url", base_url, env={"TALKOVER_API_TOKEN": TOKEN}),
        timeout=60,  # a bound on the test, not a measurement: without --timeout it takes > 60 s
    )
    assert status == 1
    line = one_error_line(err)
    assert line.startswith("error: APITimeoutError:") and "--timeout" in line
    assert out == "" and TOKEN not in err
