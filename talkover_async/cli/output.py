"""Printing tables and JSON for the CLI (rich when installed, plain text otherwise)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from ..serde import unstructure

__all__ = ["notice", "print_json", "print_table"]


def notice(message: str) -> None:
    """A line for the human on stderr (never mixed into stdout data)."""
    print(message, file=sys.stderr)


def print_json(value: Any) -> None:
    """Models (or lists of them) as JSON on stdout."""
    print(json.dumps(unstructure(value), indent=2, default=str))


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table on stdout."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is an optional extra
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        print(title)
        print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for row in cells:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in cells:
        table.add_row(*row)
    Console(soft_wrap=True).print(table)
