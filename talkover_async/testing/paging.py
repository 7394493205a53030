"""Pagination as each list endpoint documents it (overview.md §5).

Four shapes exist: `meta` (list agents), the six-key `pagination` with `from`/`to` (calls,
campaigns), the four-key `pagination` (agent webhook logs, auto-topup history) and the
three-key one (campaign webhook logs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .replies import ApiError, Reply
from .validation import INVALID_DATA

__all__ = ["PageShape", "page_params", "paginate"]

PageShape = Literal["meta", "full", "four", "short"]


def page_params(
    query: Mapping[str, str], *, default: int, maximum: int, clamp: bool = False
) -> tuple[int, int]:
    """`(page, per_page)` from the query; out-of-range values answer 422 (or are clamped to
    `maximum` when the endpoint documents no maximum)."""
    errors: dict[str, list[str]] = {}
    page, per_page = 1, default
    raw_page = query.get("page")
    if raw_page is not None:
        if not raw_page.isdigit() or int(raw_page) < 1:
            errors["page"] = ["The page field must be at least 1."]
        else:
            page = int(raw_page)
    raw_per_page = query.get("per_page")
    if raw_per_page is not None:
        if not raw_per_page.isdigit() or int(raw_per_page) < 1:
            errors["per_page"] = ["The per page field must be at least 1."]
        elif int(raw_per_page) > maximum and not clamp:
            errors["per_page"] = [f"The per page field must not be greater than {maximum}."]
        else:
            per_page = min(int(raw_per_page), maximum)
    if errors:
        raise ApiError(
            422, INVALID_DATA, table_code="VALIDATION_ERROR", shape="laravel", errors=errors
        )
    return page, per_page


def paginate(
    items: Sequence[Any],
    query: Mapping[str, str],
    *,
    shape: PageShape,
    default: int = 20,
    maximum: int = 100,
    clamp: bool = False,
) -> Reply:
    """One page of `items` in the `{success, data, <pagination>}` envelope of `shape`."""
    page, per_page = page_params(query, default=default, maximum=maximum, clamp=clamp)
    total = len(items)
    last_page = max(1, -(-total // per_page))
    start = (page - 1) * per_page
    chunk = list(items[start : start + per_page])
    body: dict[str, Any] = {"success": True, "data": chunk}
    if shape == "meta":
        body["meta"] = {
            "current_page": page,
            "per_page": per_page,
            "total": total,
            "last_page": last_page,
        }
    elif shape == "full":
        body["pagination"] = {
            "current_page": page,
            "last_page": last_page,
            "per_page": per_page,
            "total": total,
            "from": start + 1 if chunk else None,
            "to": start + len(chunk) if chunk else None,
        }
    elif shape == "four":
        body["pagination"] = {
            "current_page": page,
            "per_page": per_page,
            "total": total,
            "last_page": last_page,
        }
    else:
        body["pagination"] = {"current_page": page, "per_page": per_page, "total": total}
    return Reply(body)
