"""A real PostgreSQL for the tests (registered from `conftest.py`; no test skips for want of one).

`postgres_dsn` (session scope) is the DSN of a database the tests may write to, found in this
order:

1. `TALKOVER_TEST_POSTGRES_DSN` (used as given);
2. the local server at 127.0.0.1:5432 (user `postgres`, trust auth): a fresh database for this
   test session, dropped afterwards;
3. a throwaway cluster started from the installed server binaries (`throwaway_cluster()`).

If none works the fixture fails and says what it tried. Tests isolate themselves with their
own schema (`pg_schema`) or run names.

`throwaway_cluster()` starts a private cluster (initdb + pg_ctl, found on PATH, through
`pg_config --bindir`, or in Debian's /usr/lib/postgresql/<ver>/bin) on a random free port of
127.0.0.1, with its socket in its own temporary directory. PostgreSQL refuses to run as root:
as root the cluster runs as an unprivileged user (`postgres` if it exists, else `nobody`, else
a `talkover-test` system user created with `useradd`).
Tests that restart the database use one of these, never the shared server.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ENV_DSN = "TALKOVER_TEST_POSTGRES_DSN"
LOCAL_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def find_server_binaries() -> Path | None:
    """The directory holding `initdb` and `pg_ctl`, or None."""
    candidates: list[Path] = []
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        candidates.append(Path(shutil.which("initdb") or "").parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(  # noqa: S603 - a fixed local tool
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(Path(out.stdout.strip()))
    found = glob.glob("/usr/lib/postgresql/*/bin")
    found.sort(key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    candidates += [Path(p) for p in reversed(found)]
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    return None


def _run_as_user() -> str | None:
    """The unprivileged user to run the server as (None: the current user is not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody", "talkover-test"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    useradd = shutil.which("useradd")
    if useradd:
        subprocess.run(  # noqa: S603 - a fixed system tool, a fixed name
            [useradd, "--system", "--no-create-home", "talkover-test"],
            check=False, capture_output=True, timeout=30,
        )  # fmt: skip
        with contextlib.suppress(KeyError):
            pwd.getpwnam("talkover-test")
            return "talkover-test"
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")


@dataclass
class Cluster:
    """A private PostgreSQL cluster: `dsn` (database `postgres`, user `postgres`)."""

    bindir: Path
    root: Path
    port: int
    user: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bindir / "pg_ctl"), "-D", str(self.data), *args]
        subprocess.run(  # noqa: S603 - the server's own tool
            cmd, user=self.user, check=True, capture_output=True, timeout=timeout
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop it (`immediate`: like a crash, recovery runs at the next start)."""
        self._pg_ctl("-m", mode, "-w", "stop")

    def restart(self, down_for: float = 0.0, mode: str = "fast") -> None:
        """Stop, stay down for `down_for` seconds, start again."""
        self.stop(mode)
        time.sleep(down_for)
        self.start()


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A fresh cluster for the block, removed afterwards (see the module documentation)."""
    bindir = find_server_binaries()
    if bindir is None:
        raise RuntimeError(
            "no PostgreSQL server binaries (initdb, pg_ctl) found on PATH, through pg_config, "
            "or in /usr/lib/postgresql/<ver>/bin: install the server (Debian: postgresql-15)"
        )
    user = _run_as_user()
    root = Path(tempfile.mkdtemp(prefix="talkover-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bindir=bindir, root=root, port=_free_port(), user=user)
    try:
        subprocess.run(  # noqa: S603 - the server's own tool
            [str(bindir / "initdb"), "-D", str(cluster.data), "-U", "postgres", "-A", "trust",
             "--no-sync", "-E", "UTF8"],
            user=user, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                cluster.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)


async def _execute(dsn: str, *statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn, timeout=5, statement_cache_size=0)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def _with_database(dsn: str, database: str) -> str:
    base, _, _ = dsn.rpartition("/")
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """The DSN of a database for this test session (see the module documentation)."""
    tried: list[str] = []
    dsn = os.environ.get(ENV_DSN)
    if dsn:
        try:
            asyncio.run(_execute(dsn, "SELECT 1"))
        except Exception as exc:
            pytest.fail(f"{ENV_DSN} is set but does not work: {type(exc).__name__}: {exc}")
        yield dsn
        return
    name = f"talkover_test_{secrets.token_hex(4)}"
    try:
        asyncio.run(_execute(LOCAL_ADMIN_DSN, f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        tried.append(f"the local server ({LOCAL_ADMIN_DSN}): {type(exc).__name__}: {exc}")
    else:
        try:
            yield _with_database(LOCAL_ADMIN_DSN, name)
        finally:
            asyncio.run(_execute(LOCAL_ADMIN_DSN, f'DROP DATABASE "{name}" WITH (FORCE)'))
        return
    try:
        cluster_cm = throwaway_cluster()
        cluster = cluster_cm.__enter__()
    except Exception as exc:
        tried.append(f"a throwaway cluster: {type(exc).__name__}: {exc}")
        pytest.fail(
            "no PostgreSQL for the tests; tried: " + "; ".join([f"{ENV_DSN} (not set)", *tried])
        )
    try:
        yield cluster.dsn
    finally:
        cluster_cm.__exit__(None, None, None)


@pytest.fixture
def pg_schema(postgres_dsn: str) -> Iterator[str]:
    """A schema name of this test's own, dropped afterwards."""
    name = f"t_{secrets.token_hex(5)}"
    yield name
    with contextlib.suppress(Exception):
        asyncio.run(_execute(postgres_dsn, f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


@pytest.fixture
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway cluster of this test's own (for tests that stop or restart the server)."""
    try:
        cm = throwaway_cluster()
        cluster = cm.__enter__()
    except Exception as exc:
        pytest.fail(f"could not start a throwaway PostgreSQL cluster: {type(exc).__name__}: {exc}")
    try:
        yield cluster
    finally:
        cm.__exit__(None, None, None)


__all__ = [
    "Cluster",
    "find_server_binaries",
    "pg_cluster",
    "pg_schema",
    "postgres_dsn",
    "throwaway_cluster",
]
