"""talkover_async: the async Python SDK for the Talkover voice-agent API."""

from . import models
from ._version import __version__
from .client import AsyncTalkover, RawResponse
from .config import Secret
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    DuplicateCallError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    ResponseDecodeError,
    ResponseTooLargeError,
    TalkoverError,
    ValidationError,
)
from .http import Attempt, Request, Response, Timeout
from .models import *  # noqa: F403  (every model; `models.__all__` lists them)
from .options import RequestOptions
from .pagination import AsyncPaginator, Page

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPaginator",
    "AsyncTalkover",
    "Attempt",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DuplicateCallError",
    "InternalServerError",
    "InvalidRequestError",
    "NotFoundError",
    "Page",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "Request",
    "RequestOptions",
    "Response",
    "RedirectError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "Secret",
    "TalkoverError",
    "Timeout",
    "ValidationError",
    "__version__",
]
__all__ += models.__all__  # the models, listed once: in talkover_async.models
