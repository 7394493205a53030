"""Every Python example in docs/webhooks.md runs as written and passes `mypy --strict` as user
code (issue 14: block 2 did not)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
MYPY_TIMEOUT = 300  # seconds: a cold cache takes about 10 s here


def test_doc_has_examples() -> None:
    assert len(BLOCKS) >= 8
    assert any("FastAPI()" in b and ".asgi_app()" in b for b in BLOCKS)
    assert any("Starlette(" in b and ".asgi_app()" in b for b in BLOCKS)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_doc_example_runs(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    code = compile(BLOCKS[index], f"{DOC.name}[python block {index}]", "exec")
    exec(code, {"__name__": "__main__"})
    assert capsys.readouterr().out  # every example prints what it shows


def test_receiver_example_output(capsys: pytest.CaptureFixture[str]) -> None:
    block = next(b for b in BLOCKS if "web.AppRunner" in b)
    exec(compile(block, DOC.name, "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "200 ok" in out and "200 duplicate" in out and "401 invalid signature" in out
    assert out.count("call call_789012 ended after 45 s") == 1


@pytest.mark.parametrize(("marker", "expected"), [
    ("FastAPI()", ["call call_789012 ended after 45 s", "200 ok", "405 method not allowed"]),
    ("Starlette(", ["test delivery from webhook CRM", "200 ok", "401 invalid signature"]),
    ("tolerance=300", ["reason='ignored'", "reason='timestamp outside tolerance'"]),
])
def test_asgi_and_tolerance_example_output(
    marker: str, expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    block = next(b for b in BLOCKS if marker in b)
    exec(compile(block, DOC.name, "exec"), {"__name__": "__main__"})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(expected)
    for line, text in zip(lines, expected, strict=True):  # in this order
        assert text in line, (text, lines)


def test_doc_examples_pass_mypy_strict(tmp_path: Path) -> None:
    """Each block is a complete program: mypy --strict checks them as a user's own modules."""
    files = []
    for number, block in enumerate(BLOCKS, start=1):  # block 2 is the typed-events example
        path = tmp_path / f"webhooks_doc_block_{number}.py"
        path.write_text(block, encoding="utf-8")
        files.append(str(path))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYPY")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir",
         str(tmp_path / ".mypy_cache"), *files],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=MYPY_TIMEOUT, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
