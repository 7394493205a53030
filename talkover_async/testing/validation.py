"""Request validation with Laravel-style messages, as the API's 422 bodies show them.

A `Checker` reads one JSON body (or query), collects `{field: [messages]}` like Laravel does
(`"The webhook url field is required."`), and `done()` raises one `ApiError` with all of them.
The error's shape follows the route: Laravel `{message, errors}` on webhook routes, the flat
`{success: false, message, code: VALIDATION_ERROR, errors}` elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .replies import ApiError, ErrorShape

__all__ = ["E164", "Checker", "INVALID_DATA"]

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
INVALID_DATA = "The given data was invalid."
_MISSING = object()


def _label(field: str) -> str:
    return field.replace("_", " ").replace(".", " ")


class Checker:
    """Collects validation errors for one body; each method returns the value when valid, or
    None (and records a message) when it is not. Absent optional fields return `default`."""

    def __init__(self, body: Mapping[str, Any], *, shape: ErrorShape = "flat") -> None:
        self.body = body
        self.shape = shape
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        """Record one message for `field`."""
        self.errors.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        """True when the body carries `field` (even as null)."""
        return field in self.body

    def _get(self, field: str, required: bool) -> Any:
        value = self.body.get(field, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required:
                self.fail(field, f"The {_label(field)} field is required.")
            return _MISSING
        return value

    def string(
        self,
        field: str,
        *,
        required: bool = False,
        max_len: int | None = None,
        min_len: int | None = None,
        choices: Iterable[str] | None = None,
        default: str | None = None,
    ) -> str | None:
        """A string, optionally bounded in length or limited to `choices`."""
        value = self._get(field, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.fail(field, f"The {_label(field)} field must be a string.")
            return None
        if max_len is not None and len(value) > max_len:
            self.fail(
                field, f"The {_label(field)} field must not be greater than {max_len} characters."
            )
            return None
        if min_len is not None and len(value) < min_len:
            self.fail(field, f"The {_label(field)} field must be at least {min_len} characters.")
            return None
        if choices is not None and value not in set(choices):
            self.fail(field, f"The selected {_label(field)} is invalid.")
            return None
        return value

    def number(
        self,
        field: str,
        *,
        required: bool = False,
        low: float | None = None,
        high: float | None = None,
        integer: bool = False,
        exclusive_low: bool = False,
        default: float | None = None,
    ) -> float | None:
        """A number (an integer when `integer`), within `[low, high]`."""
        value = self._get(field, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "an integer" if integer else "a number"
            self.fail(field, f"The {_label(field)} field must be {kind}.")
            return None
        if integer and not (isinstance(value, int) or float(value).is_integer()):
            self.fail(field, f"The {_label(field)} field must be an integer.")
            return None
        too_low = low is not None and (value <= low if exclusive_low else value < low)
        if too_low or (high is not None and value > high):
            if low is not None and high is not None:
                message = f"The {_label(field)} field must be between {low:g} and {high:g}."
            elif low is not None:
                op = "greater than" if exclusive_low else "at least"
                message = f"The {_label(field)} field must be {op} {low:g}."
            else:
                message = f"The {_label(field)} field must not be greater than {high:g}."
            self.fail(field, message)
            return None
        return int(value) if integer else value

    def integer(
        self,
        field: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
        default: int | None = None,
    ) -> int | None:
        """An integer within `[low, high]`."""
        if self.body.get(field) is None:
            if required:
                self.fail(field, f"The {_label(field)} field is required.")
            return default
        value = self.number(field, low=low, high=high, integer=True)
        return None if value is None else int(value)

    def boolean(
        self, field: str, *, required: bool = False, default: bool | None = None
    ) -> bool | None:
        """A JSON boolean."""
        value = self.body.get(field, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail(field, f"The {_label(field)} field is required.")
            return default
        if not isinstance(value, bool):
            self.fail(field, f"The {_label(field)} field must be true or false.")
            return None
        return value

    def obj(self, field: str, *, required: bool = False) -> dict[str, Any] | None:
        """A JSON object."""
        value = self._get(field, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.fail(field, f"The {_label(field)} field must be an object.")
            return None
        return value

    def array(
        self,
        field: str,
        *,
        required: bool = False,
        min_items: int | None = None,
        choices: Iterable[str] | None = None,
        item_type: type | tuple[type, ...] | None = None,
    ) -> list[Any] | None:
        """A JSON array, with at least `min_items`, whose items are among `choices`."""
        value = self.body.get(field, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail(field, f"The {_label(field)} field is required.")
            return None
        if not isinstance(value, list):
            self.fail(field, f"The {_label(field)} field must be an array.")
            return None
        if min_items is not None and len(value) < min_items:
            self.fail(field, f"The {_label(field)} field must contain at least {min_items} items.")
            return None
        allowed = set(choices) if choices is not None else None
        for index, item in enumerate(value):
            if item_type is not None and not isinstance(item, item_type):
                self.fail(f"{field}.{index}", f"The {field}.{index} field is invalid.")
            elif allowed is not None and item not in allowed:
                self.fail(f"{field}.{index}", f"The selected {field}.{index} is invalid.")
        return value

    def phone(self, field: str, *, required: bool = False) -> str | None:
        """An E.164 number (`^\\+[1-9]\\d{6,14}$`)."""
        value = self.string(field, required=required)
        if value is not None and not E164.match(value):
            self.fail(field, f"The {_label(field)} field format is invalid.")
            return None
        return value

    def url(self, field: str, *, required: bool = False, max_len: int = 500) -> str | None:
        """An http(s) URL of at most `max_len` characters."""
        value = self.string(field, required=required, max_len=max_len)
        if value is not None and not _URL.match(value):
            self.fail(field, f"The {_label(field)} field must be a valid URL.")
            return None
        return value

    def day(self, field: str, *, required: bool = False) -> str | None:
        """A `YYYY-MM-DD` date."""
        value = self.string(field, required=required)
        if value is None:
            return None
        try:
            date.fromisoformat(value)
        except ValueError:
            self.fail(field, f"The {_label(field)} field must match the format Y-m-d.")
            return None
        if len(value) != 10:
            self.fail(field, f"The {_label(field)} field must match the format Y-m-d.")
            return None
        return value

    def time_of_day(self, field: str, value: Any) -> str | None:
        """An `HH:MM` time (24 h) found inside a nested object."""
        if not isinstance(value, str) or not _TIME.match(value):
            self.fail(field, f"The {_label(field)} field must match the format H:i.")
            return None
        return value

    def done(self) -> None:
        """Raise the collected errors as one 422."""
        if self.errors:
            raise ApiError(
                422,
                INVALID_DATA,
                table_code="VALIDATION_ERROR",
                shape=self.shape,
                errors=self.errors,
            )
