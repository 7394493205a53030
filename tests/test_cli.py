"""The `talkover` CLI on the embedded fake, through subprocess like a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

from .conftest import free_port


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKOVER_")}
    return subprocess.run(
        [sys.executable, "-m", "talkover_async", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def test_agents_list_on_embedded_fake() -> None:
    result = run("--json", "agents", "list")
    assert result.returncode == 0, result.stderr
    assert "embedded fake" in result.stderr
    agents = json.loads(result.stdout)
    assert [a["id"] for a in agents] == ["demo"] and agents[0]["current_status"] == "published"


def test_call_and_bad_number() -> None:
    ok = run("--json", "call", "demo", "--to", "+14155550100", "--context", '{"crm": 7}')
    assert ok.returncode == 0, ok.stderr
    call = json.loads(ok.stdout)
    assert call["to"] == "+14155550100" and call["status"] == "initiated"
    bad = run("call", "demo", "--to", "12345")
    assert bad.returncode == 1
    assert "InvalidRequestError" in bad.stderr and "'to'" in bad.stderr
    usage = run("call", "demo")
    assert usage.returncode == 2


def test_calls_list_table() -> None:
    result = run("calls", "list", "--status", "completed")
    assert result.returncode == 0, result.stderr
    assert "call(s)" in result.stdout


def test_fake_serve_answers_over_loopback() -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKOVER_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "talkover_async", "fake", "serve", "--port", str(port), "--seconds", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        body = None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/agents",
                    headers={"Authorization": "Bearer talq_embedded_fake_token"},
                )
                with urllib.request.urlopen(req, timeout=2) as resp:  # noqa: S310 - loopback
                    body = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "fake server did not come up"
        assert body["data"][0]["id"] == "demo" and "meta" in body
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
