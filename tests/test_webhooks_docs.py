"""Every Python example in docs/webhooks.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "webhooks.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_doc_has_examples() -> None:
    assert len(BLOCKS) >= 4


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
