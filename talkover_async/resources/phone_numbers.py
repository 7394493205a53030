"""`client.phone_numbers`: numbers and release requests (agents.md §8)."""

from __future__ import annotations

from .base import Resource

__all__ = ["PhoneNumbersResource"]


class PhoneNumbersResource(Resource):
    """client.phone_numbers."""

    __slots__ = ()
