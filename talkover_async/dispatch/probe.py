"""Internal to the dispatcher: did a request of this task leave, as far as the limits saw?

The dispatcher installs one `SendProbe` per worker task, marks it `started` just before it
sends a spec, and the client's rate-limit middleware (the only place that knows whether a
request is still held back or already with the transport) sets its `state` through a private
context variable. After a cancel or a timeout, `maybe_sent` tells a request still held back
(certainly not sent) from one already handed to the transport (maybe sent).

Not a public API: a caller that does not mark `started` itself would read "not sent" for a
request the server received (issue 12, item 8).
"""

from __future__ import annotations

from ..middleware.ratelimit import _send_state

__all__ = ["SendProbe", "install_probe"]


class SendProbe:
    """What became of the current request of a worker task.

    `state` is `None` until the request reaches the rate-limit middleware, then `"held"`
    while it waits for the limits, `"sending"` while the transport has it, and `"refused"`
    after an attempt the server provably did not act on (429, or a connection that never
    left).
    """

    __slots__ = ("started", "state")

    def __init__(self) -> None:
        self.started = False
        self.state: str | None = None

    def reset(self) -> None:
        """Forget the previous request (a worker reusing its probe for the next one)."""
        self.started = False
        self.state = None

    @property
    def maybe_sent(self) -> bool:
        """False only when the request certainly never reached the server's logic.

        Without a rate-limit middleware in the chain nothing reports, so a started request
        counts as maybe sent.
        """
        return self.started and self.state not in ("held", "refused")

    def __repr__(self) -> str:
        return f"<SendProbe started={self.started} state={self.state}>"


def install_probe() -> SendProbe:
    """Install a `SendProbe` for the rest of the current task (its context is its own)."""
    current = SendProbe()
    _send_state.set(current)
    return current
