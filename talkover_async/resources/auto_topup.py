"""`client.auto_topup`: settings, disable, test, payment methods, history (platform.md §3).

Uses the environment token: auto-topup is configured per environment.
"""

from __future__ import annotations

from typing import Unpack

from ..errors import InvalidRequestError
from ..models.auto_topup import AutoTopupSettings, Charge, PaymentMethod, TopupEvent
from ..operations import Operation
from ..options import RequestOptions
from ..pagination import AsyncPaginator
from ..validation import check_bool, check_int, check_number, check_str, paging
from .base import Resource, drop_none

__all__ = ["AutoTopupResource"]


class AutoTopupResource(Resource):
    """Automatic credit recharges of the environment: `client.auto_topup`."""

    __slots__ = ()

    _SETTINGS = Operation(
        "auto_topup.settings",
        "GET",
        "/auto-topup/settings",
        AutoTopupSettings,
        side_effect=False,
        summary="Read the auto-topup configuration",
    )

    async def settings(self, **options: Unpack[RequestOptions]) -> AutoTopupSettings:
        """`GET /auto-topup/settings`: the configuration, today's recharge count and the
        plan's read-only `daily_limit`."""
        result: AutoTopupSettings = await self._client._execute(self._SETTINGS, options=options)
        return result

    _UPDATE_SETTINGS = Operation(
        "auto_topup.update_settings",
        "PUT",
        "/auto-topup/settings",
        AutoTopupSettings,
        side_effect=False,
        summary="Configure threshold and/or monthly recharges",
    )

    async def update_settings(
        self,
        *,
        is_enabled: bool | None = None,
        threshold_amount: float | None = None,
        recharge_amount: float | None = None,
        scheduled_payment_enabled: bool | None = None,
        scheduled_amount: float | None = None,
        day_of_month: int | None = None,
        payment_method_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AutoTopupSettings:
        """`PUT /auto-topup/settings`: amounts 1-1000, `day_of_month` 1-28,
        `scheduled_amount` required when `scheduled_payment_enabled` is true,
        `payment_method_id` from `payment_methods()`. Only the arguments given are sent
        (whether the server keeps omitted fields is not documented). Returns a subset of
        the settings plus `updated_at`."""
        if scheduled_payment_enabled is True and scheduled_amount is None:
            raise InvalidRequestError(
                "scheduled_amount", "is required when scheduled_payment_enabled is true"
            )
        body = drop_none(
            {
                "is_enabled": None if is_enabled is None else check_bool("is_enabled", is_enabled),
                "threshold_amount": _amount("threshold_amount", threshold_amount),
                "recharge_amount": _amount("recharge_amount", recharge_amount),
                "scheduled_payment_enabled": None
                if scheduled_payment_enabled is None
                else check_bool("scheduled_payment_enabled", scheduled_payment_enabled),
                "scheduled_amount": _amount("scheduled_amount", scheduled_amount),
                "day_of_month": None
                if day_of_month is None
                else check_int("day_of_month", day_of_month, 1, 28),
                "payment_method_id": None
                if payment_method_id is None
                else check_str("payment_method_id", payment_method_id, min_len=1),
            }
        )
        result: AutoTopupSettings = await self._client._execute(
            self._UPDATE_SETTINGS, body=body, options=options
        )
        return result

    _DISABLE = Operation(
        "auto_topup.disable",
        "POST",
        "/auto-topup/disable",
        AutoTopupSettings,
        side_effect=False,
        summary="Switch auto-topup off, keeping its configuration",
    )

    async def disable(self, **options: Unpack[RequestOptions]) -> AutoTopupSettings:
        """`POST /auto-topup/disable`: stop recharges, keep the configuration (charges already
        queued may still go through)."""
        result: AutoTopupSettings = await self._client._execute(self._DISABLE, options=options)
        return result

    _TEST = Operation(
        "auto_topup.test",
        "POST",
        "/auto-topup/test",
        Charge,
        side_effect=True,
        summary="Perform one REAL recharge (charges money; 402 / 422)",
    )

    async def test(self, **options: Unpack[RequestOptions]) -> Charge:
        """`POST /auto-topup/test`: performs a REAL charge of `recharge_amount` now.

        Counts against `daily_limit`; call rarely. Never retried once it may have reached the
        server. Errors: `PaymentRequiredError` (402, `PAYMENT_FAILED`, reason in
        `details["decline_reason"]`), `ValidationError` (422, `AUTO_TOPUP_NOT_CONFIGURED`).
        """
        result: Charge = await self._client._execute(self._TEST, options=options)
        return result

    _PAYMENT_METHODS = Operation(
        "auto_topup.payment_methods",
        "GET",
        "/auto-topup/payment-methods",
        list[PaymentMethod],
        side_effect=False,
        summary="Saved cards usable for auto-topup",
    )

    async def payment_methods(self, **options: Unpack[RequestOptions]) -> list[PaymentMethod]:
        """`GET /auto-topup/payment-methods`: saved cards (added only through the dashboard)."""
        result: list[PaymentMethod] = await self._client._execute(
            self._PAYMENT_METHODS, options=options
        )
        return result

    _HISTORY = Operation(
        "auto_topup.history",
        "GET",
        "/auto-topup/history",
        TopupEvent,
        side_effect=False,
        paginated=True,
        summary="Recharge events (paged with `pagination`)",
    )

    def history(
        self,
        *,
        per_page: int | None = None,
        page: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[TopupEvent]:
        """`GET /auto-topup/history` (paged, `per_page` 1-100, default 25). A failed event names
        its reason `failure_reason` (the 402 error says `decline_reason`; see
        `TopupEvent.decline_reason`)."""
        query = paging(per_page, page)
        return self._client.paginate(self._HISTORY, query=query, options=options)


def _amount(field: str, value: float | None) -> float | None:
    return None if value is None else check_number(field, value, 1, 1000)
