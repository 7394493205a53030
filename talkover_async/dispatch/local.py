"""The local ledger: the results file (JSON Lines), one record when a spec starts and one
when it ends."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import _json
from ..errors import ConfigurationError
from ..redaction import redact_text
from .specs import DispatchStatus

__all__ = ["read_results"]


def read_results(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """The last record of each key in a results file (a torn last line is ignored)."""
    last: dict[str, dict[str, Any]] = {}
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                record = _json.loads(line)
            except _json.JSONDecodeError:
                continue  # a line torn by a crash: its spec has a "started" line before it
            if isinstance(record, dict) and isinstance(record.get("key"), str):
                last[record["key"]] = record
    return last


def _blocks_retry(record: Mapping[str, Any]) -> str | None:
    """Why an earlier record forbids dispatching its key again (None: it may go again)."""
    status = record.get("status")
    if status == DispatchStatus.PLACED:
        return "placed in an earlier run"
    if status == "started":
        return "started in an earlier run that ended without an outcome: may have been placed"
    if record.get("maybe_placed", True):
        return "may have been placed in an earlier run"
    return None


class _ResultsLog:
    """Append-only JSON Lines, one unbuffered write per record (survives a crash)."""

    def __init__(self, path: Path, *, resume: bool) -> None:
        self.path = path
        self.previous: dict[str, dict[str, Any]] = {}
        exists = path.exists() and path.stat().st_size > 0
        if exists and not resume:
            raise ConfigurationError(
                f"results file {path} already exists: resume it (resume=True, --resume) or "
                "choose another path; overwriting it would forget calls that may have been placed"
            )
        if exists:
            self.previous = read_results(path)
        self._file = open(path, "ab", buffering=0)  # noqa: SIM115 - closed by close()
        if exists:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    self._file.write(b"\n")  # end a line torn by a crash

    def write(self, record: Mapping[str, Any]) -> None:
        self._file.write(_json.dumps(record) + b"\n")

    def close(self) -> None:
        self._file.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _error_fields(error: BaseException | None) -> dict[str, Any]:
    if error is None:
        return {}
    fields: dict[str, Any] = {
        "error_type": type(error).__name__,
        "error": redact_text(str(error))[:300] if str(error) else type(error).__name__,
    }
    status_code = getattr(error, "status_code", None)
    if isinstance(status_code, int):
        fields["status_code"] = status_code
    code = getattr(error, "code", None)
    if isinstance(code, str):
        fields["code"] = code
    attempts = getattr(error, "attempts", None)
    if isinstance(attempts, tuple) and attempts:
        fields["attempts"] = len(attempts)
    return fields
