"""Generate docs/endpoints.md from the operation registry, so the table cannot drift.

Run: `python docs/gen_endpoints.py > docs/endpoints.md` (a test checks the file is current).
"""

from __future__ import annotations

import typing
from typing import Any

from talkover_async.operations import OPERATIONS, Operation


def _type_name(tp: Any) -> str:
    if tp is None:
        return "Ack"
    origin = typing.get_origin(tp)
    if origin is not None:
        args = ", ".join(_type_name(a) for a in typing.get_args(tp))
        return f"{getattr(origin, '__name__', str(origin))}[{args}]"
    return getattr(tp, "__name__", str(tp))


def _returns(op: Operation) -> str:
    if op.paginated:
        return f"AsyncPaginator[{_type_name(op.response)}]"
    return _type_name(op.response)


def render() -> str:
    """The Markdown page."""
    lines = [
        "# Endpoints",
        "",
        "Generated from `talkover_async.operations.OPERATIONS` by `docs/gen_endpoints.py`; do not",
        "edit by hand. **Safe** says whether a retry can repeat a side effect: unsafe operations",
        "are retried only when the request provably never reached the server, or on 429.",
        "",
        f"{len(OPERATIONS)} operations.",
        "",
        "| Endpoint | Method | Returns | Safe | Auth | Summary |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for op in sorted(OPERATIONS.values(), key=lambda o: (o.full_path, o.method)):
        lines.append(
            f"| `{op.method} {op.full_path}` | `client.{op.name}()` | `{_returns(op)}` | "
            f"{'yes' if op.safe else '**no**'} | {op.auth} | {op.summary} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
