"""talkover_async: the async Python SDK for the Talkover voice-agent API."""

from ._version import __version__
from .client import AsyncTalkover, RawResponse
from .config import Secret
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    TalkoverError,
    ValidationError,
)
from .http import Attempt, Request, Response, Timeout
from .models import *  # noqa: F403
from .models import __all__ as _models_all
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
    "ConfigurationError",
    "ConflictError",
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
    "ResponseDecodeError",
    "Secret",
    "TalkoverError",
    "Timeout",
    "ValidationError",
    "__version__",
    *_models_all,
]
