"""Operations of the phone numbers area (agents.md §8)."""

from __future__ import annotations

from ..models.phone_numbers import PhoneNumber, ReleaseRequest
from . import Operation, register

__all__: list[str] = []

PHONE_NUMBERS_LIST = register(
    Operation(
        "phone_numbers.list",
        "GET",
        "/phone-numbers",
        True,
        list[PhoneNumber],
        summary="List the environment's phone numbers (not paginated).",
    )
)
PHONE_NUMBERS_REQUEST_RELEASE = register(
    Operation(
        "phone_numbers.request_release",
        "POST",
        "/phone-numbers/{phone_number_id}/request-release",
        False,
        ReleaseRequest,
        summary="Ask staff to release a number (201, pending review).",
    )
)
PHONE_NUMBERS_RELEASE_REQUESTS = register(
    Operation(
        "phone_numbers.release_requests",
        "GET",
        "/phone-numbers/release-requests",
        True,
        list[ReleaseRequest],
        summary="List release requests.",
    )
)
