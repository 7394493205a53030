"""`client.phone_numbers`: numbers and release requests (agents.md §8)."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..models.phone_numbers import PhoneNumber, PhoneNumberType, ReleaseRequest
from ..operations import Operation
from ..options import RequestOptions
from ..validation import check_bool, check_choice, check_str
from .base import Resource, drop_none

__all__ = ["PhoneNumbersResource"]

PHONE_NUMBER_TYPES = frozenset(x.value for x in PhoneNumberType)


class PhoneNumbersResource(Resource):
    """The environment's phone numbers: `client.phone_numbers`."""

    __slots__ = ()

    _LIST = Operation(
        "phone_numbers.list",
        "GET",
        "/phone-numbers",
        builtins.list[PhoneNumber],
        side_effect=False,
        summary="List the environment's phone numbers (not paginated).",
    )

    async def list(
        self,
        *,
        type: PhoneNumberType | str | None = None,
        has_voice: bool | None = None,
        has_whatsapp: bool | None = None,
        search: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[PhoneNumber]:
        """`GET /phone-numbers` (not paginated). Filters: `type` (voice, sms, whatsapp, mms,
        fax), `has_voice`, `has_whatsapp` (sent as `true`/`false`), `search` (number or id)."""
        query = drop_none(
            {
                "type": None if type is None else check_choice("type", type, PHONE_NUMBER_TYPES),
                "has_voice": None if has_voice is None else check_bool("has_voice", has_voice),
                "has_whatsapp": None
                if has_whatsapp is None
                else check_bool("has_whatsapp", has_whatsapp),
                "search": None if search is None else check_str("search", search, max_len=255),
            }
        )
        result: list[PhoneNumber] = await self._client._execute(
            self._LIST, query=query, options=options
        )
        return result

    _REQUEST_RELEASE = Operation(
        "phone_numbers.request_release",
        "POST",
        "/phone-numbers/{phone_number_id}/request-release",
        ReleaseRequest,
        side_effect=True,
        summary="Ask staff to release a number (201, pending review).",
    )

    async def request_release(
        self,
        phone_number_id: str,
        *,
        reason: str,
        **options: Unpack[RequestOptions],
    ) -> ReleaseRequest:
        """`POST /phone-numbers/{phone_number_id}/request-release`: ask for a number to be
        released (`reason` 10-500 characters). Answers 201 with a `pending` request that staff
        review before the number goes. Not retried once it may have reached the server (a
        repeat could file a second request)."""
        body = {"reason": check_str("reason", reason, min_len=10, max_len=500)}
        result: ReleaseRequest = await self._client._execute(
            self._REQUEST_RELEASE,
            {"phone_number_id": phone_number_id},
            body=body,
            options=options,
        )
        return result

    _RELEASE_REQUESTS = Operation(
        "phone_numbers.release_requests",
        "GET",
        "/phone-numbers/release-requests",
        builtins.list[ReleaseRequest],
        side_effect=False,
        summary="List release requests.",
    )

    async def release_requests(
        self, **options: Unpack[RequestOptions]
    ) -> builtins.list[ReleaseRequest]:
        """`GET /phone-numbers/release-requests` (`resolved_at` only once resolved; query
        parameters not readable in the docs: use `extra_query`)."""
        result: builtins.list[ReleaseRequest] = await self._client._execute(
            self._RELEASE_REQUESTS, options=options
        )
        return result
