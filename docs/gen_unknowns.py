"""Regenerate the table of undocumented choices in docs/testing.md from
`talkover_async.testing.unknowns.UNKNOWNS`, so the page cannot drift from the fake.

Run: `python docs/gen_unknowns.py` (rewrites the section in place); `--check` exits 1 when the
page is stale (a test runs the same check).
"""

from __future__ import annotations

import sys
from pathlib import Path

from talkover_async.testing.unknowns import DOCS_BEGIN, DOCS_END, render_markdown

PAGE = Path(__file__).with_name("testing.md")


def regenerate(text: str) -> str:
    """`text` with the section between the markers replaced by the current table."""
    start = text.index(DOCS_BEGIN)
    end = text.index(DOCS_END, start) + len(DOCS_END)
    return text[:start] + render_markdown() + text[end:]


def main(argv: list[str]) -> int:
    current = PAGE.read_text()
    fresh = regenerate(current)
    if "--check" in argv:
        if fresh != current:
            print("docs/testing.md is stale: run python docs/gen_unknowns.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(fresh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
