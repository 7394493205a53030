"""The operation registry: one `Operation` per documented endpoint, and `decode`.

Each operation is declared once, in `resources/<area>.py` right above the method that runs it,
as a class attribute; `Resource` registers it when the class is defined, so the registry is
complete once the client (which imports every resource) is imported. Every resource method
is a thin wrapper that checks its arguments, then asks the client to run its operation; the
client decodes the response with `decode_response`. `decode` exposes the same path for users
with their own transports or stored responses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs

from .envelope import Envelope, parse
from .errors import ResponseDecodeError, TalkoverError
from .http import Response
from .models.results import Ack
from .pagination import Page
from .serde import explain, structure

__all__ = ["OPERATIONS", "Operation", "decode", "decode_response", "register"]

_PARAM_RE = re.compile(r"{(\w+)}")


@attrs.frozen(slots=True)
class Operation:
    """One endpoint, declared beside the resource method that runs it:
    `Operation("agents.call", "POST", "/agents/{agent_id}/call", Call, side_effect=True)`.

    `path` is the documented template relative to the base URL (`/agents/{agent_id}/call`), or
    to the API root (`/user`, i.e. `/api/user`) when `root` is set. `side_effect` (required,
    keyword-only) is True when repeating the request can repeat a side effect (it places a
    call, charges, creates, flips a toggle, triggers an import or a delivery): such operations
    are retried only when the request provably never reached the server, or on 429; `safe` is
    its negation, which the retry layer reads. `response` is the type the
    payload is decoded into (`None` for a bare `Ack`); for `paginated` operations it is the
    item type and the result is a `Page`. `unwrap` names the key inside `data` that holds the
    payload (`{"data": {"versions": [...]}}`). `allow_failure` keeps a `{success: false, data}`
    2xx body as a result (a failed SIP trunk verification). `decoder` replaces the standard
    decoding for the few endpoints whose answer is not an envelope around a model (flow
    validation, health); it gets the whole response, error statuses included.
    """

    name: str
    method: str
    path: str
    response: Any = None
    side_effect: bool = attrs.field(kw_only=True)
    #: `not side_effect`: what the retry layer reads (`Request.safe`).
    safe: bool = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: not self.side_effect, takes_self=True),
    )
    paginated: bool = attrs.field(default=False, kw_only=True)
    auth: str = attrs.field(default="environment", kw_only=True)
    root: bool = attrs.field(default=False, kw_only=True)
    unwrap: str | None = attrs.field(default=None, kw_only=True)
    allow_failure: bool = attrs.field(default=False, kw_only=True)
    summary: str = attrs.field(default="", kw_only=True)
    decoder: Callable[[Response], Any] | None = attrs.field(default=None, kw_only=True)
    #: `path` split once into literal text and parameter names, alternating:
    #: `("/agents/", "agent_id", "/call")`. Building a URL joins them (no `str.format`).
    path_pieces: tuple[str, ...] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(lambda self: tuple(_PARAM_RE.split(self.path)), takes_self=True),
    )

    @property
    def path_params(self) -> tuple[str, ...]:
        """Names of the path parameters, in order."""
        return tuple(_PARAM_RE.findall(self.path))

    @property
    def full_path(self) -> str:
        """The path as the docs write it (`/api/v1/...`, or `/api/...` for root paths)."""
        return ("/api" if self.root else "/api/v1") + self.path


OPERATIONS: dict[str, Operation] = {}


def register(operation: Operation) -> Operation:
    """Add an operation to the registry (names are unique)."""
    if operation.name in OPERATIONS:
        raise ValueError(f"duplicate operation {operation.name}")
    OPERATIONS[operation.name] = operation
    return operation


def decode(
    operation: Operation | str,
    status_code: int,
    body: bytes | str,
    headers: Mapping[str, str] | None = None,
    *,
    strict: bool = False,
) -> Any:
    """What the client method returns for this HTTP response, or the typed error it raises.

    For a paginated operation this is one `Page` (the method itself returns a paginator).
    Error texts here are redacted by pattern (tokens, `Authorization`, phone numbers); a
    client also removes the secrets it sent itself (webhook secrets, SFTP and SIP
    passwords), which `decode` cannot know.
    """
    op = OPERATIONS[operation] if isinstance(operation, str) else operation
    content = body.encode() if isinstance(body, str) else body
    return decode_response(op, Response(status_code, headers or {}, content), strict=strict)


def decode_response(
    op: Operation, response: Response, *, strict: bool = False, requested_page: int = 1
) -> Any:
    """Decode a response for `op` (see `decode`).

    A decode error is raised with no `__context__`: the exception it replaced (a JSON or
    cattrs error) may hold the whole body, secrets included."""
    try:
        if op.decoder is not None:
            return op.decoder(response)
        env = parse(response, allow_failure=op.allow_failure)
        if op.response is Ack or op.response is None:
            return Ack(success=env.success, message=env.message)
        data = _payload(op, env, response)
        if op.paginated and not isinstance(data, list):
            raise _decode_error(
                f"expected a JSON array of items, got {type(data).__name__}", response
            )
        tp = list[op.response] if op.paginated else op.response  # type: ignore[name-defined]
        try:
            result = structure(data, tp, strict=strict)
            if op.paginated:
                return Page.from_pagination(result, env.pagination, requested_page)
            return result
        except Exception as exc:  # anything that does not fit (even OverflowError): a decode error
            raise _decode_error(_describe(exc, data, tp), response) from None
    except TalkoverError as exc:
        error = exc
    # Raised outside the `except` block, so Python attaches no context of its own.
    error.__context__ = error.__cause__ = None
    raise error


def _decode_error(message: str, response: Response) -> ResponseDecodeError:
    return ResponseDecodeError(
        message,
        status_code=response.status_code,
        excerpt=response.content[:200].decode("utf-8", "replace"),
        response=response,
    )


def _payload(op: Operation, env: Envelope, response: Response) -> Any:
    data = env.data
    if op.unwrap is None:
        return data
    if not isinstance(data, dict) or op.unwrap not in data:
        raise _decode_error(f"expected data.{op.unwrap}", response)
    return data[op.unwrap]


def _describe(exc: Exception, data: Any, tp: Any) -> str:
    if isinstance(exc, cattrs.BaseValidationError):  # the strict converter: paths included
        return "; ".join(cattrs.transform_error(exc, path="data")[:5])
    first = f"{type(exc).__name__}: {exc}"[:300]
    # The lenient path runs without detailed validation: find where, after the fact, and
    # keep the first error's own text (`got float`).
    messages = explain(data, tp)
    return f"{'; '.join(messages)} ({first})" if messages else first
