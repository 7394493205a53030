"""The rule every shipped transport applies to a 3xx: a typed error, never a success.

A redirect is never followed (the token must not travel to another URL, and a make-call must
not be sent twice) and its body is never decoded. The error names the status and the
`Location`, with credentials, query values and the fragment masked.
"""

from __future__ import annotations

from multidict import CIMultiDict

from ..errors import RedirectError
from ..http import Response
from ..redaction import redact_url

__all__ = ["redirect_error"]


def redirect_error(response: Response) -> RedirectError:
    """The `RedirectError` for a 3xx response (its body dropped, its `Location` redacted)."""
    location = response.headers.get("Location")
    shown = redact_url(location) if location is not None else None
    headers = CIMultiDict(response.headers)
    if shown is not None:
        headers["Location"] = shown
    status = response.status_code
    target = f"to {shown}" if shown is not None else "without a Location"
    return RedirectError(
        f"HTTP {status} redirect {target}: not followed (the token is only sent to "
        "base_url); check base_url",
        location=shown,
        status_code=status,
        response=Response(status, headers, b"", response.request, response.elapsed),
    )
