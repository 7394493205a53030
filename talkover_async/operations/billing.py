"""Operations of the billing and auto-topup area (platform.md §3, environment token)."""

from __future__ import annotations

from ..models.billing import AutoTopupSettings, Charge, PaymentMethod, TopupEvent
from . import Operation, register

__all__: list[str] = []

AUTO_TOPUP_SETTINGS = register(
    Operation(
        "auto_topup.settings",
        "GET",
        "/auto-topup/settings",
        True,
        AutoTopupSettings,
        summary="Read the auto-topup configuration",
    )
)
AUTO_TOPUP_UPDATE_SETTINGS = register(
    Operation(
        "auto_topup.update_settings",
        "PUT",
        "/auto-topup/settings",
        True,
        AutoTopupSettings,
        summary="Configure threshold and/or monthly recharges",
    )
)
AUTO_TOPUP_DISABLE = register(
    Operation(
        "auto_topup.disable",
        "POST",
        "/auto-topup/disable",
        True,
        AutoTopupSettings,
        summary="Switch auto-topup off, keeping its configuration",
    )
)
AUTO_TOPUP_TEST = register(
    Operation(
        "auto_topup.test",
        "POST",
        "/auto-topup/test",
        False,
        Charge,
        summary="Perform one REAL recharge (charges money; 402 / 422)",
    )
)
AUTO_TOPUP_PAYMENT_METHODS = register(
    Operation(
        "auto_topup.payment_methods",
        "GET",
        "/auto-topup/payment-methods",
        True,
        list[PaymentMethod],
        summary="Saved cards usable for auto-topup",
    )
)
AUTO_TOPUP_HISTORY = register(
    Operation(
        "auto_topup.history",
        "GET",
        "/auto-topup/history",
        True,
        TopupEvent,
        paginated=True,
        summary="Recharge events (paged with `pagination`)",
    )
)
