"""What the distributions hold: the wheel ships the CLI's sample, the sdist no key; metadata."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .clirun import ROOT

KEYLIKE = re.compile(r"(\.pem|\.key|\.p12|\.pfx|\.crt|(^|/)\.env(\..*)?|id_rsa\w*)$|(^|/)\.(ci-)?venv/")


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend comes from the test extra, nothing is downloaded.
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


def test_sdist_ships_no_key(dists: tuple[Path, Path]) -> None:
    with tarfile.open(dists[0]) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    assert "pyproject.toml" in names and "talkover_async/client.py" in names
    assert "tests/conftest.py" in names
    keylike = [n for n in names if KEYLIKE.search(n)]
    assert keylike == []
    # The repository does hold such files: the check above is not vacuous.
    assert (ROOT / "tests" / "data" / "loopback-tls-key.pem").exists()


def test_wheel_ships_the_sample_and_metadata(dists: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(dists[1]) as whl:
        names = whl.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = whl.read(meta_name).decode()
    assert "talkover_async/cli/sample_contacts.csv" in names
    assert not [n for n in names if KEYLIKE.search(n)]
    assert "License-Expression: MIT" in meta
    assert "Classifier: License ::" not in meta
    assert "Project-URL: Documentation, https://docs.talkover.ai" in meta
