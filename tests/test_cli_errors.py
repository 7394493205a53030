"""Every error the CLI can meet is one line on stderr and a non-zero exit, never a traceback
(run as a user runs it: a subprocess)."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest

from .clirun import ROOT, talkover

CONTACTS = ROOT / "examples" / "contacts.csv"


def one_error_line(stderr: str) -> str:
    """The single `error:` line of a failed command (and no traceback)."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def test_empty_csv(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    proc = talkover("dispatch", empty, "--agent", "demo")
    assert proc.returncode == 2
    assert "is empty" in one_error_line(proc.stderr) and "'to' column" in proc.stderr


def test_cp1252_csv_needs_encoding(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("to,name\n+14155550100,José Müller\n".encode("cp1252"))
    proc = talkover("dispatch", latin, "--agent", "demo")
    assert proc.returncode == 2
    line = one_error_line(proc.stderr)
    assert "not valid utf-8" in line and "--encoding" in line
    ok = talkover("dispatch", latin, "--agent", "demo", "--encoding", "cp1252", "--json")
    assert ok.returncode == 0, ok.stderr
    assert '"placed": 1' in ok.stdout
    unknown = talkover("dispatch", latin, "--agent", "demo", "--encoding", "klingon")
    assert unknown.returncode == 2 and "unknown encoding" in unknown.stderr


def test_utf8_with_bom_is_the_default(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes("to,name\n+14155550100,José\n".encode("utf-8-sig"))
    proc = talkover("dispatch", bom, "--agent", "demo", "--json")
    assert proc.returncode == 0, proc.stderr
    assert '"placed": 1' in proc.stdout


def test_missing_to_column(tmp_path: Path) -> None:
    no_to = tmp_path / "no_to.csv"
    no_to.write_text("phone,name\n+14155550100,Ada\n")
    proc = talkover("dispatch", no_to, "--agent", "demo")
    assert proc.returncode == 2
    assert "no 'to' column (found: phone, name)" in one_error_line(proc.stderr)


def test_out_in_a_missing_directory() -> None:
    proc = talkover("dispatch", CONTACTS, "--agent", "demo", "--out", "/nonexistent/dir/r.jsonl")
    assert proc.returncode == 2
    assert "no such directory /nonexistent/dir" in one_error_line(proc.stderr)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    proc = talkover("dispatch", tmp_path / "nope.csv", "--agent", "demo")
    assert proc.returncode == 2 and "no such file" in one_error_line(proc.stderr)
    proc = talkover("dispatch", tmp_path, "--agent", "demo")
    assert proc.returncode == 2 and "is a directory" in one_error_line(proc.stderr)


# Root reads any file: the child gives up root after importing the CLI (the interpreter itself
# lives where an unprivileged user may not read), then runs it like a user would.
AS_NOBODY = (
    "import encodings.utf_8_sig, os, sys\n"
    "from talkover_async.cli import main\n"
    "if os.geteuid() == 0:\n"
    "    os.setgid(65534)\n"
    "    os.setuid(65534)\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_unreadable_file() -> None:
    import subprocess
    import sys

    from .clirun import clean_env

    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o755)
        secret = folder / "contacts.csv"
        secret.write_text("to\n+14155550100\n")
        secret.chmod(0o000)
        proc = subprocess.run(
            [sys.executable, "-c", AS_NOBODY, "dispatch", str(secret), "--agent", "demo"],
            capture_output=True,
            text=True,
            env=clean_env(),
            cwd=folder,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 2, proc.stderr
        assert f"cannot read {secret}: Permission denied" in one_error_line(proc.stderr)
    finally:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()


def test_fake_serve_on_a_taken_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = talkover("fake", "serve", "--port", str(port), "--seconds", "5")
    assert proc.returncode == 1
    line = one_error_line(proc.stderr)
    assert f"127.0.0.1:{port}" in line and "address already in use" in line
    assert "--port" in line


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--rate", "fast", "invalid rate"),
        ("--rate", "0/min", "invalid rate"),
        ("--timeout", "-1", "invalid seconds"),
        ("--concurrency", "0", "--concurrency must be at least 1"),
    ],
)
def test_invalid_options(option: str, value: str, says: str) -> None:
    proc = talkover("dispatch", CONTACTS, "--agent", "demo", option, value)
    assert proc.returncode == 2
    assert says in proc.stderr and "Traceback" not in proc.stderr


# A command whose handler raises something no one planned for: one line, a hint, and the
# traceback only with --debug / TALKOVER_LOG=debug.
UNEXPECTED = (
    "import sys\n"
    "import talkover_async.cli.basic as basic\n"
    "async def boom(args):\n"
    "    raise RuntimeError('boom with talq_test_secret_1234567 and +14155550100')\n"
    "basic.agents_list_cmd = boom\n"
    "from talkover_async.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_unexpected_error_one_line_with_debug_hint() -> None:
    import subprocess
    import sys

    from .clirun import clean_env

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", UNEXPECTED, *args],
            capture_output=True,
            text=True,
            env=clean_env(env),
            timeout=60,
            check=False,
        )

    plain = run("agents", "list")
    assert plain.returncode == 1
    line = one_error_line(plain.stderr)
    assert line.startswith("error: unexpected RuntimeError: boom")
    assert "--debug" in line and "TALKOVER_LOG=debug" in line
    assert "talq_test_secret" not in plain.stderr and "+14155550100" not in plain.stderr
    for debug in (run("--debug", "agents", "list"), run("agents", "list", env={"TALKOVER_LOG": "debug"})):
        assert debug.returncode == 1
        assert "Traceback" in debug.stderr and "RuntimeError" in debug.stderr
