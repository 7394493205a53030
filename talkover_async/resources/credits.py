"""`client.credits`: balance and purchase, Account API (platform.md §4.1-4.2)."""

from __future__ import annotations

from typing import Unpack

from ..models.auto_topup import Charge
from ..models.credits import CreditBalance
from ..operations import Operation
from ..options import RequestOptions
from ..validation import check_number, check_str
from .base import Resource, drop_none

__all__ = ["CreditsResource"]


class CreditsResource(Resource):
    """Account credits: `client.credits` (account token, not `talq_`)."""

    __slots__ = ()

    _BALANCE = Operation(
        "credits.balance",
        "GET",
        "/credits/balance",
        CreditBalance,
        side_effect=False,
        auth="account",
        summary="Account credit balance",
    )

    async def balance(self, **options: Unpack[RequestOptions]) -> CreditBalance:
        """`GET /credits/balance`: the balance, updated almost in real time."""
        result: CreditBalance = await self._client._execute(self._BALANCE, options=options)
        return result

    _PURCHASE = Operation(
        "credits.purchase",
        "POST",
        "/credits/purchase",
        Charge,
        side_effect=True,
        auth="account",
        summary="One-off credit purchase (charges money; 402 `PAYMENT_FAILED`)",
    )

    async def purchase(
        self,
        *,
        amount: float,
        payment_method_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Charge:
        """`POST /credits/purchase`: charges `amount` (> 0, account currency) to the given or
        default payment method. Real money: never retried once it may have reached the server
        (no idempotency key is documented). `PaymentRequiredError` (402, `PAYMENT_FAILED`,
        without `details` here). For recurring top-ups use `client.auto_topup`."""
        body = drop_none(
            {
                "amount": check_number("amount", amount, 0, lo_exclusive=True),
                "payment_method_id": None
                if payment_method_id is None
                else check_str("payment_method_id", payment_method_id, min_len=1),
            }
        )
        result: Charge = await self._client._execute(self._PURCHASE, body=body, options=options)
        return result
