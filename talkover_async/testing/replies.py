"""What a route handler answers: `Reply` for success and `ApiError` for every documented
error shape.

The API documents at least six error bodies (overview.md §3.2). A handler raises `ApiError`
naming the facts (status, message, code) and the shape the spec shows for that route; the fake
renders it according to `FakeTalkover.error_style`, so one test suite can exercise each shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

__all__ = [
    "ERROR_STYLES",
    "ApiError",
    "ErrorShape",
    "ErrorStyle",
    "Reply",
    "code_for_status",
    "ok",
]

ErrorStyle = Literal["documented", "nested", "flat", "plain"]
ERROR_STYLES: tuple[str, ...] = ("documented", "nested", "flat", "plain")

# How the spec shows an error on a given route:
#   "flat"    E2/E3  {"success": false, "message", "code"?, "details"?}
#   "laravel" E4     {"message": "The given data was invalid.", "errors": {field: [...]}}
#   "bare"    E5     {"message": ...}                         (webhook 401, PAT endpoints)
#   "list"    E6     {"success": false, "message"?, "errors": [...]}   (flows)
#   "string"         {"error": ...}                           (voice demo 500)
ErrorShape = Literal["flat", "laravel", "bare", "list", "string"]

_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "INVALID_TOKEN",
    402: "PAYMENT_FAILED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
}


def code_for_status(status: int) -> str:
    """A code for a status when the route's error table lists none: only rendered when a test
    forces `error_style="nested"`/`"flat"` (some of these are the fake's own, e.g. `NOT_FOUND`);
    `unknowns="vary"` draws E3/E1 only for documented codes."""
    if status >= 500:
        return "SERVER_ERROR"
    return _STATUS_CODES.get(status, "ERROR")


@attrs.frozen
class Reply:
    """A successful (or `success: false` but 2xx) answer: status, JSON body, extra headers."""

    body: Any
    status: int = 200
    headers: Mapping[str, str] = attrs.field(factory=dict)


def ok(data: Any = None, message: str | None = None, status: int = 200, **extra: Any) -> Reply:
    """The common `{success: true[, message][, data]}` envelope (keys in the documented order)."""
    body: dict[str, Any] = {"success": True}
    if message is not None:
        body["message"] = message
    if data is not None:
        body["data"] = data
    body.update(extra)
    return Reply(body, status)


class ApiError(Exception):
    """An error answer. `code` is shown in the documented style only when the spec's example
    body carries it; `table_code` is the code the endpoint's error table lists (used by the
    nested and flat styles when `code` is None); `permission` marks a 403 refused for the
    token's abilities."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        table_code: str | None = None,
        shape: ErrorShape = "flat",
        details: Mapping[str, Any] | None = None,
        errors: Mapping[str, list[str]] | list[str] | None = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        permission: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.table_code = table_code
        self.shape = shape
        self.details = dict(details) if details is not None else None
        self.errors = errors
        self.data = data
        self.headers = dict(headers or {})
        self.permission = permission  # a 403 for the token's abilities (not the route's state)

    @property
    def any_code(self) -> str:
        """The most specific code known for this error."""
        return self.code or self.table_code or code_for_status(self.status)

    def render(self, style: ErrorStyle = "documented") -> dict[str, Any]:
        """The JSON body in `style`: `documented` (the route's own shape), `nested` (E1
        `{success, error: {code, message, details}}`), `flat` (E3 with a code always) or
        `plain` (E2 `{success: false, message}` plus `errors` when there are any)."""
        if style == "nested":
            details: dict[str, Any] = dict(self.details or {})
            if self.errors is not None:
                details["errors"] = self.errors
            return {
                "success": False,
                "error": {"code": self.any_code, "message": self.message, "details": details},
            }
        if style in ("flat", "plain"):
            body: dict[str, Any] = {"success": False, "message": self.message}
            if style == "flat":
                body["code"] = self.any_code
                if self.details is not None:
                    body["details"] = self.details
            if self.errors is not None:
                body["errors"] = self.errors
            return body
        return self._documented()

    def _documented(self) -> dict[str, Any]:
        if self.shape == "laravel":
            return {"message": self.message, "errors": self.errors or {}}
        if self.shape == "bare":
            return {"message": self.message}
        if self.shape == "string":
            return {"error": self.message}
        if self.shape == "list":
            body: dict[str, Any] = {"success": False}
            if self.message:
                body["message"] = self.message
            body["errors"] = self.errors or []
            return body
        body = {"success": False, "message": self.message}
        if self.code is not None:
            body["code"] = self.code
        if self.details is not None:
            body["details"] = self.details
        if self.errors is not None:
            body["errors"] = self.errors
        if self.data is not None:
            body["data"] = self.data
        return body

    def __repr__(self) -> str:
        return f"<ApiError {self.status} {self.any_code} {self.message!r}>"
