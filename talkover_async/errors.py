"""The exception hierarchy. Every error the SDK raises is a `TalkoverError`.

Messages are redacted (no tokens, secrets or full phone numbers); the raw server text stays in
`message` for programs that need it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .redaction import redact_text

if TYPE_CHECKING:
    from .http import Attempt, Response
    from .models.campaigns import CampaignCall

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DuplicateCallError",
    "InternalServerError",
    "InvalidRequestError",
    "MAX_MESSAGE_LENGTH",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "TalkoverError",
    "ValidationError",
    "bounded_message",
    "status_error_class",
]


#: Longest error text; a server can send megabytes of message, a log line should not.
MAX_MESSAGE_LENGTH = 1000


def bounded_message(message: str) -> str:
    """Redact, then cut to `MAX_MESSAGE_LENGTH` characters. The cut drops the word it falls
    in, so a secret straddling it is not half shown (secrets hold no whitespace)."""
    text = redact_text(message)
    if len(text) <= MAX_MESSAGE_LENGTH:
        return text
    marker = f" ... [{len(text)} characters, truncated]"
    head = text[: MAX_MESSAGE_LENGTH - len(marker)]
    space = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
    return (head[:space] if space > 0 else head[:40]) + marker


class TalkoverError(Exception):
    """Base class of every error raised by talkover_async."""

    attempts: tuple[Attempt, ...] = ()

    def __init__(self, message: str) -> None:
        super().__init__(bounded_message(message))


class ConfigurationError(TalkoverError):
    """A missing or malformed token, base URL or other client setting."""


class InvalidRequestError(TalkoverError, ValueError):
    """An argument was rejected before any I/O. `field` and `rule` say which and why."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"invalid argument {field!r}: {rule}")


class APIConnectionError(TalkoverError):
    """The request did not get a response.

    `sent` is False when the request provably never left the client (connection refused, DNS
    failure, no pooled connection in time): repeating it cannot repeat a side effect. It is
    True when the request may have reached the server (a reset or timeout after sending): a
    call may have been placed.
    """

    def __init__(self, message: str, *, sent: bool, attempts: Sequence[Attempt] = ()) -> None:
        self.sent = sent
        self.attempts = tuple(attempts)
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The request timed out (`sent` as in `APIConnectionError`)."""


class ResponseDecodeError(TalkoverError):
    """A response body that is not what the API documents (HTML page, truncated JSON, wrong
    types). Carries the status and a short, redacted excerpt of the body."""

    def __init__(
        self,
        reason: str,
        *,
        status_code: int | None = None,
        excerpt: str = "",
        response: Response | None = None,
    ) -> None:
        self.status_code = status_code
        self.excerpt = redact_text(excerpt)[:200]
        self.response = response
        self.reason = redact_text(reason)[:300]
        self.attempts = _attempts_of(response)
        where = f" (HTTP {status_code})" if status_code is not None else ""
        tail = f": {self.excerpt!r}" if self.excerpt else ""
        super().__init__(f"unexpected response body{where}: {self.reason}{tail}")


class APIStatusError(TalkoverError):
    """The API answered with an error status. Filled from whichever error shape it sent."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
        field_errors: Mapping[str, Sequence[str]] | None = None,
        errors: Sequence[str] = (),
        response: Response | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details: Mapping[str, Any] = dict(details or {})
        self.field_errors: Mapping[str, tuple[str, ...]] = {
            k: tuple(v) for k, v in (field_errors or {}).items()
        }
        self.errors = tuple(errors)
        self.response = response
        self.attempts = _attempts_of(response)
        label = f"{status_code} {code}" if code else str(status_code)
        super().__init__(f"{label}: {message}")

    @property
    def request_id(self) -> str | None:
        """The `X-Request-Id` header of the response, if the server sent one."""
        if self.response is None:
            return None
        return self.response.headers.get("x-request-id")


class BadRequestError(APIStatusError):
    """400: a malformed request or a refused transition (`INVALID_TRANSITION`)."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, invalid or revoked."""


class PaymentRequiredError(APIStatusError):
    """402: not enough credit, or a payment failed (`PAYMENT_FAILED`)."""


class PermissionDeniedError(APIStatusError):
    """403: the token may not act on this resource (`UNAUTHORIZED`, `FORBIDDEN`)."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist in this environment."""


class ConflictError(APIStatusError):
    """409: the resource's state forbids this (active calls, duplicate campaign call...)."""


class ValidationError(APIStatusError):
    """422: the server rejected the arguments; see `field_errors` and `errors`."""


class RateLimitError(APIStatusError):
    """429: too many requests. `retry_after` is the server's wait in seconds, if it sent one."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class DuplicateCallError(ConflictError):
    """409 from `campaigns.call`: the number already has a queued or active call in this
    campaign and `allow_duplicates` was false. `existing_call` is that call, as the 409 body
    reported it. A subclass of `ConflictError`, so `except ConflictError` still catches it."""

    existing_call: CampaignCall | None = None

    @classmethod
    def from_conflict(cls, exc: ConflictError, existing: CampaignCall) -> DuplicateCallError:
        """The same error, typed, with the existing call attached."""
        err = cls(
            exc.message,
            status_code=exc.status_code,
            code=exc.code,
            details=exc.details,
            field_errors=exc.field_errors,
            errors=exc.errors,
            response=exc.response,
        )
        err.args = exc.args
        err.attempts = exc.attempts
        err.existing_call = existing
        return err


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


def _attempts_of(response: Response | None) -> tuple[Attempt, ...]:
    """The attempt history of a response; a single attempt when it was never retried."""
    if response is None:
        return ()
    if response.attempts:
        return response.attempts
    from .http import Attempt

    return (Attempt(number=1, status_code=response.status_code, elapsed=response.elapsed),)


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The error class for an HTTP status."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)


class ResponseTooLargeError(ResponseDecodeError):
    """The response body is larger than the client's `max_response_size` (counted after
    decompression, or announced by `Content-Length`). The server did receive the request:
    a make-call may have been placed. Not retried (the server would send the same body).
    `limit` is the limit in bytes; `received` what was read before giving up (0 when
    refused on `Content-Length`)."""

    def __init__(
        self, *, limit: int, status_code: int, received: int = 0, announced: int | None = None
    ) -> None:
        self.limit = limit
        self.received = received
        self.announced = announced
        size = (
            f"Content-Length {announced} bytes"
            if announced is not None
            else f"more than {limit} bytes after decompression"
        )
        super().__init__(
            f"response too large: {size}, above the limit of {limit} bytes; raise it with "
            "AsyncTalkover(max_response_size=...) (None disables the limit)",
            status_code=status_code,
        )


class RedirectError(APIStatusError):
    """A 3xx answer. Never followed (the token must not travel to another host, and a
    make-call must not be sent twice) and never decoded as a success. `location` is the
    `Location` header with credentials and query values removed (None when absent); check
    `base_url`."""

    def __init__(self, message: str, *, location: str | None = None, **kw: Any) -> None:
        self.location = location
        super().__init__(message, **kw)


class ClientClosedError(APIConnectionError):
    """The client was closed (`aclose()`) while this request waited for a connection
    (`sent=False`) or was in flight (`sent=True`). Never retried: the client is gone."""
