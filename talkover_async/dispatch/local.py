"""`LocalLedger`: the results file (JSON Lines), made safe for one process on one machine.

Each spec gets a `started` record (its claim) and, after the attempt, an outcome record:

    {"event":"open","pid":4242,"at":"2026-11-28T15:40:00.000+00:00"}
    {"key":"agent/agt_1:+14155550100","status":"started","at":"..."}
    {"key":"agent/agt_1:+14155550100","status":"placed","maybe_placed":false,"call_id":"..."}

- **One run per file.** The file is locked (`fcntl.flock`, exclusive, non-blocking) for the
  whole run, and the holder's PID is written to `<file>.lock`. A second run on the same file
  fails at once with `LedgerLockedError` (naming the file and the PID) and dials nothing. The
  lock dies with its process (`kill -9` included), so there is no stale lock to clean up.
- **The claim is durable before anything is sent.** The `started` record is written and
  fsynced (one fsync covers every claim written meanwhile: concurrent workers share it) before
  the dispatcher builds the request. Outcome records are written at once (a crash of the
  process keeps them: they are in the kernel) and fsynced with the next claim or at the end;
  an outcome lost to a power cut leaves its claim alone, which reads as maybe placed.
- **Damage reads as the worst case.** Every record starts with its key, so a line cut short
  (a crash, a power cut, a full disk) still names its key when enough of it survived: that key
  counts as maybe placed unless a later intact record settles it. A torn line whose key was
  cut off can only be the unsynced tail of a session (each session starts with an `open`
  event): its claim was never fsynced, so its request never left, and it is ignored. Such a
  line anywhere else is damage no crash explains: `LedgerDamagedError`, a human checks it.

What it survives: the process crashing or being killed (`kill -9`), the machine losing power
(on a local disk that honours fsync). What it does not: two machines sharing the file over a
network file system (NFS locks are not reliable: use `PostgresLedger`), the disk lying about
fsync, the file being edited or deleted during a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import _json
from ..errors import ConfigurationError, InvalidRequestError
from .ledger import (
    LedgerDamagedError,
    LedgerLockedError,
    RunCounts,
    SpecSource,
    Taken,
    now_text,
    result_record,
)
from .specs import CallSpec, DispatchResult, DispatchStatus

__all__ = ["LocalLedger", "read_results"]

# A record's key, from the start of a line (even a line cut short after the key).
_KEY_RE = re.compile(rb'^\{"key":("(?:[^"\\]|\\.)*")')
_JUNK = b" \t\r\x00"  # a power cut can leave NUL bytes where unsynced data was


def _recover_key(line: bytes) -> str | None:
    match = _KEY_RE.match(line)
    if match is None:
        return None
    try:
        key = _json.loads(match.group(1))
    except _json.JSONDecodeError:
        return None
    return key if isinstance(key, str) and key else None


def _scan(data: bytes, path: str) -> dict[str, dict[str, Any]]:
    """The last record of each key; a damaged line counts as maybe placed for its key."""
    last: dict[str, dict[str, Any]] = {}
    lines = [raw.strip(_JUNK) for raw in data.split(b"\n")]
    for index, line in enumerate(lines):
        if not line:
            continue
        try:
            record = _json.loads(line)
        except _json.JSONDecodeError:
            record = None
        if isinstance(record, dict):
            if isinstance(record.get("key"), str):
                last[record["key"]] = record
            continue
        key = _recover_key(line)
        if key is not None:
            last[key] = {"key": key, "status": "damaged", "maybe_placed": True, "line": index + 1}
            continue
        following = next((nxt for nxt in lines[index + 1 :] if nxt), None)
        if following is None or following.startswith(b'{"event":"open"'):
            continue  # the unsynced tail of a session: its claim never reached the disk
        raise LedgerDamagedError(path, index + 1)
    return last


def read_results(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The last record of each key in a results file.

    A damaged line whose key can be read counts for that key as `{"status": "damaged",
    "maybe_placed": true}` (the worst case); a torn last line whose key was cut off is
    ignored; any other damage raises `LedgerDamagedError`.
    """
    with open(path, "rb") as f:
        return _scan(f.read(), str(path))


def _blocks_retry(record: Mapping[str, Any]) -> str | None:
    """Why an earlier record forbids dispatching its key again (None: it may go again)."""
    status = record.get("status")
    if status == DispatchStatus.PLACED:
        return "placed in an earlier run"
    if status == "started":
        return "started in an earlier run that ended without an outcome: may have been placed"
    if status == "damaged":
        return "its record in the results file is damaged: may have been placed"
    if record.get("maybe_placed", True):
        return "may have been placed in an earlier run"
    return None


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _holder_pid(path: Path) -> int | None:
    try:
        text = _lock_path(path).read_text(encoding="utf-8").split()
        return int(text[0]) if text else None
    except (OSError, ValueError):
        return None


class LocalLedger:
    """The embedded ledger: a results file for one process (or in memory with no path).

    `resume=True` continues a file: keys placed, maybe placed or started without an outcome
    are skipped; keys certainly not placed are dispatched again. Without a path it only skips
    duplicate keys within the run. See the module documentation for what it survives.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, resume: bool = False):
        if resume and path is None:
            raise InvalidRequestError("resume", "needs a results_path to resume from")
        self.path = Path(path) if path is not None else None
        self.resume = resume
        self.previous: dict[str, dict[str, Any]] = {}
        self._fd: int | None = None
        self._iter: Iterator[CallSpec] | None = None
        self._aiter: AsyncIterator[CallSpec] | None = None
        self._read_lock = asyncio.Lock()
        self._seen: set[str] = set()
        self._written = 0  # records written, and how many of them are known to be on disk
        self._synced = 0
        self._sync_task: asyncio.Task[None] | None = None
        self._counts = {"claimed": 0, "placed": 0, "maybe_placed": 0, "failed": 0}

    # --- opening ----------------------------------------------------------------------------
    async def open(self, specs: SpecSource | None) -> None:
        """Lock and read the file (when there is one), then take specs from `specs`."""
        if specs is None:
            raise InvalidRequestError("specs", "a local dispatch needs its specs")
        if self.path is not None:
            self._open_file(self.path)
        if isinstance(specs, AsyncIterable):
            self._aiter = aiter(specs)
        else:
            self._iter = iter(specs)

    def _open_file(self, path: Path) -> None:
        if not self.resume and path.exists() and path.stat().st_size > 0:
            raise ConfigurationError(
                f"results file {path} already exists: resume it (resume=True, --resume) or "
                "choose another path; overwriting it would forget calls that may have been placed"
            )
        try:
            import fcntl  # POSIX; the in-memory ledger (no results file) works everywhere
        except ImportError:  # pragma: no cover - not POSIX
            raise ConfigurationError(
                "a results file needs fcntl.flock (a POSIX system); use a PostgresLedger"
            ) from None
        created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LedgerLockedError(str(path), _holder_pid(path)) from None
            size = os.fstat(fd).st_size
            if size and not self.resume:  # another run wrote it between our check and lock
                raise ConfigurationError(
                    f"results file {path} already exists: resume it (resume=True, --resume)"
                )
            _lock_path(path).write_text(f"{os.getpid()}\n", encoding="utf-8")
            data = os.pread(fd, size, 0) if size else b""
            self.previous = _scan(data, str(path))
            self._fd = fd
            prefix = b"\n" if data and not data.endswith(b"\n") else b""  # end a torn line
            opened = {"event": "open", "pid": os.getpid(), "at": now_text()}
            self._write(prefix + _json.dumps(opened) + b"\n")
            os.fsync(fd)
            if created:
                _fsync_dir(path.parent)
        except BaseException:
            self._fd = None
            os.close(fd)
            raise

    # --- the protocol -------------------------------------------------------------------
    async def take(self, *, claim: bool = True) -> Taken | None:
        """The next spec of the source: claimed durably, skipped, or (claim=False) free."""
        spec = await self._next_spec()
        if spec is None:
            return None
        if not isinstance(spec, CallSpec):
            raise TypeError(f"dispatch takes CallSpec items, got {type(spec).__name__}")
        key = spec.key
        if not claim:
            return Taken(spec=spec, claimed=False)
        if key in self._seen:
            skipped = DispatchResult(
                spec=spec, status=DispatchStatus.SKIPPED, reason="duplicate key in this run"
            )
            return Taken(spec=spec, claimed=False, skipped=skipped)
        self._seen.add(key)
        previous = self.previous.get(key)
        reason = _blocks_retry(previous) if previous is not None else None
        if previous is not None and reason is not None:
            skipped = DispatchResult(
                spec=spec,
                status=DispatchStatus.SKIPPED,
                call_id=previous.get("call_id"),
                maybe_placed=previous.get("status") != DispatchStatus.PLACED,
                reason=reason,
                previous=previous,
            )
            return Taken(spec=spec, claimed=False, skipped=skipped)
        if self._fd is not None:
            self._write(_json.dumps({"key": key, "status": "started", "at": now_text()}) + b"\n")
            while True:  # a cancel waits for the fsync; the caller sees it in cancelling()
                try:
                    await self._durable()
                    break
                except asyncio.CancelledError:
                    continue
        self._counts["claimed"] += 1
        return Taken(spec=spec, claimed=True)

    async def settle(self, result: DispatchResult) -> None:
        """Write the outcome record (fsynced with the next claim, or at close)."""
        self._counts["claimed"] -= 1
        if result.status is DispatchStatus.PLACED:
            self._counts["placed"] += 1
        elif result.maybe_placed:
            self._counts["maybe_placed"] += 1
        else:
            self._counts["failed"] += 1
        if self._fd is None:
            return
        with contextlib.suppress(OSError):  # unwritten: the claim alone reads maybe placed
            self._write(_json.dumps(result_record(result)) + b"\n")

    async def counts(self) -> RunCounts | None:
        """What this run did so far (pending is unknown: the specs are streamed)."""
        return RunCounts(**self._counts)

    async def close(self) -> None:
        """Fsync, remove `<file>.lock`, unlock and close."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if self._sync_task is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._sync_task)
            with contextlib.suppress(OSError):
                os.fsync(fd)
            if self.path is not None:
                with contextlib.suppress(OSError):
                    _lock_path(self.path).unlink()
        finally:
            os.close(fd)  # releases the lock

    # --- internals ------------------------------------------------------------------------
    async def _next_spec(self) -> CallSpec | None:
        if self._aiter is not None:
            async with self._read_lock:
                source = self._aiter
                if source is None:  # the source ended or failed while this worker waited
                    return None
                try:
                    return await anext(source)
                except StopAsyncIteration:
                    self._aiter = None
                    return None
                except BaseException:
                    self._aiter = None
                    raise
        if self._iter is None:
            return None
        try:
            return next(self._iter, None)
        except BaseException:
            self._iter = None
            raise

    def _write(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:  # a short write (a full disk) is finished or raises
            written = os.write(self._fd, view)
            view = view[written:]
        self._written += 1

    async def _durable(self) -> None:
        """Wait until every record written so far is on disk (group commit)."""
        target = self._written
        while self._synced < target:
            if self._sync_task is None:
                self._sync_task = asyncio.create_task(self._sync())
            await asyncio.shield(self._sync_task)

    async def _sync(self) -> None:
        try:
            upto = self._written
            fd = self._fd
            if fd is None:
                raise ConfigurationError("the results file was closed during the run")
            await asyncio.to_thread(os.fsync, fd)
            self._synced = max(self._synced, upto)
        finally:
            self._sync_task = None

    def __repr__(self) -> str:
        return f"<LocalLedger {str(self.path) if self.path else 'in memory'}>"


def _fsync_dir(directory: Path) -> None:
    """Make a new file's name durable too."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
