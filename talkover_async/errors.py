"""The exception hierarchy. Every error the SDK raises is a `TalkoverError`.

Messages are redacted (no tokens, secrets or full phone numbers). Every attribute that holds
server text (`message`, `details`, `field_errors`, `errors`, `excerpt`, the `response` and its
`request`) keeps that text minus the secrets: tokens, bearer values, values of secret-named
keys, and the secrets of the request the response answers (its `Authorization` credential,
the `password`/`webhook_secret`... it sent). The client adds the secrets it knows
(`scrub_error`). Every error pickles, and unpickles with its attributes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from multidict import CIMultiDict

from . import _json
from .redaction import ALLOWED_HEADERS, SECRET_KEYS, Redactor, redact_text

if TYPE_CHECKING:
    from .http import Attempt, Request, Response
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
    "scrub_error",
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
    """Base class of every error raised by talkover_async.

    Subclasses set their attributes, then call this `__init__` last: it removes secrets from
    every attribute (see the module docstring) and from the message. Pickling rebuilds an
    error from its class, `args` and attributes without calling `__init__` again, so every
    subclass round-trips, whatever its constructor's signature.
    """

    attempts: tuple[Attempt, ...] = ()

    def __init__(self, message: str) -> None:
        redactor = _request_redactor(self.__dict__.get("response"))
        _scrub_attributes(self, redactor)
        super().__init__(bounded_message(redactor.strip(message)))

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        response = state.get("response")
        if response is not None:
            state["response"] = _portable_response(response, _NO_SECRETS)
        return (_restore, (type(self), self.args), state)


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


def scrub_error(exc: TalkoverError, redactor: Redactor) -> TalkoverError:
    """Remove `redactor`'s secrets (those a client knows) from every attribute of `exc` and
    from its message, and cut its `__context__`/`__cause__` chain (a transport's own
    exception may hold the request and its `Authorization` header). Returns `exc`."""
    exc.args = tuple(redactor.text(a) if isinstance(a, str) else a for a in exc.args)
    _scrub_attributes(exc, redactor)
    exc.__cause__ = None
    exc.__context__ = None
    exc.__suppress_context__ = True
    return exc


#: Attributes that hold no server text: left as they are.
_NOT_TEXT = frozenset({"attempts", "existing_call", "status_code", "sent", "retry_after"})
_NO_SECRETS = Redactor()


def _scrub_attributes(exc: BaseException, redactor: Redactor) -> None:
    from .http import Response

    for name, value in list(exc.__dict__.items()):
        if name in _NOT_TEXT or value is None:
            continue
        if isinstance(value, str):
            cleaned: Any = redactor.strip(value)
        elif isinstance(value, Mapping | list | tuple):
            cleaned = redactor.scrub(value)
        elif isinstance(value, Response):
            cleaned = _portable_response(value, redactor)
        else:
            continue
        exc.__dict__[name] = cleaned


def _request_redactor(response: object) -> Redactor:
    """A redactor knowing the secrets of the request `response` answers: its `Authorization`
    credential, a per-call token, and the values of secret-named keys in its JSON body (the
    server may echo any of them)."""
    request = getattr(response, "request", None)
    if request is None:
        return _NO_SECRETS
    found: list[str] = []
    for key, value in request.headers.items():
        if key.lower() in ("authorization", "proxy-authorization") and isinstance(value, str):
            found.append(value)
            found.extend(value.split(None, 1)[1:])
    token = request.extensions.get("token") if request.extensions else None
    if token is not None and hasattr(token, "get_secret_value"):
        found.append(token.get_secret_value())
    if request.content:
        try:
            body = _json.loads(request.content)
        except Exception:
            body = None
        _secret_values(body, found, 0)
    if not found:
        return _NO_SECRETS
    redactor = Redactor()
    for secret in found:
        redactor.add(secret)
        redactor.add(_json.dumps(secret).decode()[1:-1])  # as echoed inside a JSON string
    return redactor


def _secret_values(value: Any, found: list[str], depth: int) -> None:
    if depth > 32:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str) and isinstance(k, str) and k.lower() in SECRET_KEYS:
                found.append(v)
            else:
                _secret_values(v, found, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _secret_values(v, found, depth + 1)


def _portable_response(response: Response, redactor: Redactor) -> Response:
    """`response` as an error may keep it: header values and body stripped of secrets, and
    its request reduced to what a log line may show (allow-listed headers, so never
    `Authorization`; no per-call token; body stripped). Picklable: plain `CIMultiDict`
    headers, plain dict extensions."""
    request = response.request
    if request is not None:
        request = _portable_request(request, redactor)
    headers: CIMultiDict[str] = CIMultiDict(
        (k, redactor.strip(v) if isinstance(v, str) else v) for k, v in response.headers.items()
    )
    content = _strip_bytes(response.content, redactor) or b""
    return attrs.evolve(response, headers=headers, content=content, request=request)


def _portable_request(request: Request, redactor: Redactor) -> Request:
    return attrs.evolve(
        request,
        url=redactor.strip(request.url),
        headers={
            k: redactor.strip(v) for k, v in request.headers.items() if k.lower() in ALLOWED_HEADERS
        },
        content=_strip_bytes(request.content, redactor),
        extensions={k: v for k, v in (request.extensions or {}).items() if k != "token"},
    )


def _strip_bytes(content: bytes | None, redactor: Redactor) -> bytes | None:
    """Body bytes without secrets; the same object when there were none. Bytes that are not
    UTF-8 are kept as they were (`surrogateescape`)."""
    if not content:
        return content
    text = bytes(content).decode("utf-8", "surrogateescape")
    cleaned = redactor.strip(text)
    if cleaned == text:
        return content
    return cleaned.encode("utf-8", "surrogateescape")


def _restore(cls: type[TalkoverError], args: tuple[Any, ...]) -> TalkoverError:
    """Unpickle an error: a bare instance with its `args`; pickle then sets its attributes."""
    exc = cls.__new__(cls)
    exc.args = args
    return exc


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
