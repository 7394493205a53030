"""Reading a contacts CSV for `talkover dispatch`: one `CallSpec` per row.

The CSV needs a `to` column (E.164 numbers). A `key` column, when present, names each row for
`--resume` (default: target and number). Columns named `context.<field>` go to the call's
`context`; every other non-empty column fills the agent's prompt `payload`.

The whole file is read once (decoded and counted) before any call is placed, so an encoding
or format problem is one error line before any I/O, never a failure halfway through a run.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import attrs

from ..dispatch import CallSpec
from .errors import EXIT_USAGE, CLIError

__all__ = ["DEFAULT_ENCODING", "Contacts", "check_encoding", "open_contacts", "rows_to_specs"]

#: UTF-8, skipping a byte-order mark (Excel writes one).
DEFAULT_ENCODING = "utf-8-sig"


def check_encoding(name: str) -> str:
    """An argparse type: a codec Python knows."""
    import argparse

    try:
        codecs.lookup(name)
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {name!r}: use e.g. utf-8, cp1252 or latin-1"
        ) from None
    return name


def rows_to_specs(
    rows: Iterator[Mapping[str, str | None]],
    *,
    agent_id: str | None,
    campaign_id: str | None,
    is_testing: bool | None = None,
) -> Iterator[CallSpec]:
    """One `CallSpec` per CSV row (`to`, optional `key`, `context.*`, payload columns)."""
    for row in rows:
        payload: dict[str, Any] = {}
        context: dict[str, Any] = {}
        to = (row.get("to") or "").strip()
        key = (row.get("key") or "").strip()
        for column, value in row.items():
            if column in (None, "to", "key") or value is None or value == "":
                continue
            if column.startswith("context."):
                context[column.removeprefix("context.")] = value
            else:
                payload[column] = value
        spec = CallSpec(
            agent_id=agent_id,
            campaign_id=campaign_id,
            to=to,
            payload=payload or None,
            context=context or None,
            is_testing=is_testing,
        )
        yield attrs.evolve(spec, key=key) if key else spec


@attrs.frozen
class Contacts:
    """An open contacts file: its rows as specs (read lazily) and how many rows it has."""

    file: IO[str]
    specs: Iterator[CallSpec]
    total: int


def _read_error(path: Path, exc: OSError) -> CLIError:
    reason = exc.strerror or type(exc).__name__
    return CLIError(f"cannot read {path}: {reason}", EXIT_USAGE)


def _decode_error(path: Path, encoding: str, exc: UnicodeDecodeError) -> CLIError:
    shown = "utf-8" if encoding == DEFAULT_ENCODING else encoding
    return CLIError(
        f"{path} is not valid {shown} (byte {exc.start} of a line): give its encoding "
        "with --encoding, e.g. --encoding cp1252",
        EXIT_USAGE,
    )


def _count_rows(path: Path, encoding: str) -> int:
    """Data rows (the header excluded), decoding the whole file once."""
    try:
        with path.open(newline="", encoding=encoding) as f:
            return max(0, sum(1 for _ in csv.reader(f)) - 1)
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc) from None
    except csv.Error as exc:
        raise CLIError(f"{path} is not a readable CSV file: {exc}", EXIT_USAGE) from None
    except OSError as exc:
        raise _read_error(path, exc) from None


def open_contacts(
    path: Path,
    *,
    agent_id: str | None,
    campaign_id: str | None,
    is_testing: bool | None,
    encoding: str = DEFAULT_ENCODING,
) -> Contacts:
    """Open and check `path` (raises `CLIError` with what to do); the caller closes `file`."""
    if path.is_dir():
        raise CLIError(f"{path} is a directory: give the CSV file", EXIT_USAGE)
    if not path.exists():
        raise CLIError(f"no such file: {path}", EXIT_USAGE)
    total = _count_rows(path, encoding)
    try:
        f = path.open(newline="", encoding=encoding)
    except OSError as exc:
        raise _read_error(path, exc) from None
    reader = csv.DictReader(f)
    fieldnames = reader.fieldnames
    if not fieldnames:
        f.close()
        raise CLIError(f"{path} is empty: it needs a header line with a 'to' column", EXIT_USAGE)
    if "to" not in fieldnames:
        f.close()
        found = ", ".join(fieldnames)
        raise CLIError(f"{path} has no 'to' column (found: {found})", EXIT_USAGE)
    specs = rows_to_specs(reader, agent_id=agent_id, campaign_id=campaign_id, is_testing=is_testing)
    return Contacts(f, specs, total)
