"""Middleware: retry, auth and logging around the transport (outermost first)."""

from .auth import AuthMiddleware
from .base import Handler, Middleware, build_chain
from .logging import LoggingMiddleware
from .retry import RETRYABLE_STATUSES, RetryDetails, RetryMiddleware, RetryPolicy

__all__ = [
    "RETRYABLE_STATUSES",
    "AuthMiddleware",
    "Handler",
    "LoggingMiddleware",
    "Middleware",
    "RetryDetails",
    "RetryMiddleware",
    "RetryPolicy",
    "build_chain",
]
