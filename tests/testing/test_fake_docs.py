"""Every Python example in docs/testing.md runs as written: scripts are executed, pytest
examples (starting with `# test_...py`) are run by pytest in a subprocess."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).parent.parent.parent / "docs" / "testing.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
SCRIPTS = [b for b in BLOCKS if not b.startswith("# test_")]
PYTEST_FILES = [b for b in BLOCKS if b.startswith("# test_")]


def test_the_doc_has_examples() -> None:
    assert len(SCRIPTS) >= 4 and PYTEST_FILES


@pytest.mark.parametrize("index", range(len(SCRIPTS)))
def test_script_example_runs(index: int) -> None:
    code = compile(SCRIPTS[index], f"docs/testing.md script {index + 1}", "exec")
    exec(code, {"__name__": "__doc_example__"})


@pytest.mark.parametrize("index", range(len(PYTEST_FILES)))
def test_pytest_example_passes(index: int, tmp_path: Path) -> None:
    source = PYTEST_FILES[index]
    name = source.split()[1]
    (tmp_path / name).write_text(source)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            "-W",
            "error::ResourceWarning",
            name,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
