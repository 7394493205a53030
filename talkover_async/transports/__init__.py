"""Transports: how requests reach the network (or don't)."""

from .aiohttp import AiohttpTransport
from .base import Transport
from .mock import MockHandler, MockTransport

__all__ = ["AiohttpTransport", "MockHandler", "MockTransport", "Transport"]
