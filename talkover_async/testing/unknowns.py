"""Every choice the fake makes where the documentation is silent or shows several variants.

`UNKNOWNS` is the one list. Each record names the area, what is undocumented, the options
(the first is what the fake does by default, `unknowns="honest"`), and why. With
`FakeTalkover(unknowns="vary", seed=N)` every record marked `varies` is drawn per request
from a seeded `random.Random`, so a suite that passes across seeds does not depend on the
fake's guesses. `docs/testing.md` carries a section generated from this table
(`render_markdown`); a test keeps the two equal.

The fake answers with the documented body wherever the docs show one: those answers are not
listed here and never vary.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import attrs

__all__ = [
    "DOCS_BEGIN",
    "DOCS_END",
    "MODES",
    "UNKNOWNS",
    "Mode",
    "Unknown",
    "Unknowns",
    "default_unknowns",
    "render_markdown",
    "unknown",
    "use_unknowns",
]

Mode = Literal["honest", "vary"]
MODES: tuple[str, ...] = ("honest", "vary")


@attrs.frozen
class Unknown:
    """One undocumented choice: `options[0]` is the default, the rest what the docs allow."""

    key: str
    area: str
    what: str
    options: tuple[str, ...]
    reason: str
    varies: bool = True

    @property
    def choice(self) -> str:
        """What the fake does by default."""
        return self.options[0]

    @property
    def alternatives(self) -> tuple[str, ...]:
        """The other answers the docs allow."""
        return self.options[1:]


UNKNOWNS: tuple[Unknown, ...] = (
    # -- error bodies ------------------------------------------------------------------
    Unknown(
        "error.shape",
        "all",
        "Error body of an error whose example body the page does not show (the page lists "
        "only a status and a code, or nothing)",
        ("E2 {success: false, message}", "E3 {success: false, message, code}",
         "E1 {success: false, error: {code, message, details}}"),
        "E2 is the shape most endpoint pages show; E3 (flat code) and E1 (the introduction's "
        "nested form) are documented too. E3/E1 carry the code the page's error table lists "
        "(or a generic documented one: INVALID_TOKEN, VALIDATION_ERROR, CONFLICT, "
        "SERVER_ERROR...); where the docs name no code for the error, only E2 is sent. The "
        "Account API routes, whose bodies carry no `success`, answer E5 {message} instead of "
        "E2. Of the webhook pages' errors only the agent webhook 401 for a missing token, "
        "their two 404s and the E4 422 are shown: a wrong token there (E5 \"Unauthenticated.\") "
        "and every campaign webhook error are this choice.",
    ),
    Unknown(
        "error.validation",
        "all except webhooks",
        "422 body of a field validation failure outside the webhook pages",
        ("E4 {message: \"The given data was invalid.\", errors: {field: [...]}}",
         "E6 {success: false, message, errors: [...]}"),
        "The only documented field-validation body is E4 (create-webhook); E6 is the flow "
        "pages' list form. The pages list code VALIDATION_ERROR but never show it in a body.",
    ),
    Unknown(
        "error.not_found_route",
        "all",
        "Answer to a path or method the API does not have",
        ("404/405 E2 {success: false, message}",),
        "Undocumented; the fake also records it as unexpected (strict mode).",
        varies=False,
    ),
    Unknown(
        "error.429",
        "all",
        "429 body and header names when the plan's rate limit is exceeded; rate-limit "
        "headers on every answer when `rate_limit_per_minute` is set",
        ("E2 {success: false, message: \"Too Many Attempts.\"} + Retry-After, "
         "X-RateLimit-Limit, X-RateLimit-Remaining (the rate_limited() fault: Retry-After "
         "only)",),
        "The introduction says rate-limit headers exist but names none; no 429 body is "
        "shown, and no code for it: E2 in every mode.",
        varies=False,
    ),
    Unknown(
        "error.500",
        "all",
        "Body of the `faults.server_error()` 500 on routes whose page shows no 500 body",
        ("E2 {success: false, message: \"Internal server error.\"}",
         "E3 {success: false, message, code: \"SERVER_ERROR\"}",
         "E1 {success: false, error: {code: \"SERVER_ERROR\", ...}}"),
        "delete-training, delete-action and delete-campaign show the E2 body; the voice demo "
        "shows {\"error\": \"Failed to generate demo audio\"}. Those are always sent as shown.",
    ),
    Unknown(
        "rate_limit.scope",
        "all",
        "What a rate limit counts (`rate_limit_per_minute=`)",
        ("each environment token's requests over a sliding minute (the Account API routes "
         "share one window), on the virtual clock unless rate_limit_clock=\"real\"",),
        "The introduction gives requests per minute per plan; whether limits are per token, "
        "environment or account, and fixed or sliding, is not documented.",
        varies=False,
    ),
    Unknown(
        "paging.limits",
        "all list endpoints",
        "A `page` or `per_page` out of range",
        ("422 E4 (per_page above the documented maximum, or below 1); clamped to 100 where the "
         "page states no maximum (list agents)",),
        "The pages give maximums (100) but not what happens above them.",
        varies=False,
    ),
    # -- statuses ----------------------------------------------------------------------
    Unknown(
        "status.create",
        "agents, campaigns, webhooks, SIP, SFTP, account",
        "Success status of creates whose page shows no status (create agent, campaign, "
        "webhooks, SIP trunk, DID, SFTP config, personal access token)",
        ("200", "201"),
        "200 is the status the introduction gives for success; 201 is documented for make "
        "campaign call and request-release only (those always answer 201).",
    ),
    Unknown(
        "status.functional_failure",
        "SIP, campaigns",
        "Status of a failed SIP trunk verification and a failed SFTP connection test "
        "(documented body {success: false, data}, status not shown)",
        ("200", "422"),
        "The body is documented; 200 keeps it readable as data. Not varied: a 4xx turns the "
        "documented result into an exception in every client, which is a different contract.",
        varies=False,
    ),
    Unknown(
        "status.flow_validation",
        "flows",
        "Status of an invalid flow on POST /agents/{agent_id}/flow/validate (documented body "
        "{success: false, errors: [...]}, status not shown)",
        ("422", "200"),
        "PUT /agents/{agent_id}/flow answers 422 for the same errors, and the validate page "
        "says the errors are the same ones. Not varied, like `status.functional_failure`.",
        varies=False,
    ),
    Unknown(
        "error.conditions",
        "agents, calls, campaigns, SIP",
        "Which status answers a condition the docs name without one (or a listed status tied "
        "to no condition)",
        ("make call: unpublished or non-outbound agent 400, no credits 402; publish when not "
         "ready 422 E4 naming the missing settings in errors; advanced settings for an "
         "ineligible agent 422; campaign call on a completed or cancelled campaign 409; SIP "
         "trunk on a plan without custom trunks 403; activating an unverified trunk 422; a "
         "request body that is not a JSON object 400",),
        "make-call lists 400/401/404/402 with no condition or body; publish says its 422 "
        "explains what is missing, without an example; the plan-gate, activation and "
        "advanced-settings errors are not shown. The bodies follow `error.shape` / "
        "`error.validation`.",
        varies=False,
    ),
    Unknown(
        "error.duplicate_call",
        "campaigns",
        "Where the 409 of a duplicate campaign call carries the existing call",
        ("details.existing_call {id, campaign_id, to, status, scheduled_at, created_at}",),
        "The page says the body starts {\"success\": false, ... and includes the existing "
        "call's details; the rest is cut off.",
        varies=False,
    ),
    # -- shapes of success bodies ------------------------------------------------------
    Unknown(
        "pagination.campaigns",
        "campaigns",
        "Paging object of GET /campaigns (only `pagination.current_page` is visible)",
        ("pagination {current_page, last_page, per_page, total, from, to}",
         "meta {current_page, per_page, total, last_page}"),
        "The overview lists both keys for list endpoints; the campaigns page is cut off after "
        "`current_page`.",
    ),
    Unknown(
        "timestamps.fraction",
        "all",
        "Fractional seconds in timestamps (answers and webhook event payloads)",
        ("as each page's example shows (seconds; microseconds on agent webhook objects and "
         "event payloads)", "seconds everywhere", "microseconds everywhere"),
        "The docs use both forms for the same kind of field (agents.md gap 26); nothing says "
        "which fields carry fractions.",
    ),
    Unknown(
        "amounts.decimal",
        "billing, account",
        "Money amounts that are whole numbers (auto top-up amounts, balances, charges)",
        ("decimal (50.0)", "integer (50)"),
        "Examples show decimals (250.00); JSON does not tell 50 from 50.0 to every parser.",
    ),
    Unknown(
        "headers.casing",
        "webhooks",
        "Casing of header names in webhook deliveries and in delivery-log `response_headers`",
        ("Canonical-Case", "lower-case"),
        "Header names are case-insensitive in HTTP; the log page shows an object without "
        "saying whether names are normalised.",
    ),
    # -- webhooks ----------------------------------------------------------------------
    Unknown(
        "webhooks.delivery_headers",
        "webhooks",
        "Names of delivery headers and the signature scheme",
        ("X-Talkover-Signature (hex HMAC-SHA256 of the raw body), X-Talkover-Event, "
         "X-Talkover-Delivery-Id, X-Talkover-Attempt",),
        "The docs say a signature header exists and name neither it nor what is signed.",
        varies=False,
    ),
    Unknown(
        "webhooks.event_payload",
        "webhooks",
        "Payloads of real (non-test) agent and campaign events, and of the campaign test event",
        ("{event, event_id, timestamp, call_id, agent_id, to, from, direction, status, duration, "
         "is_testing, context, ...} (the fake's own); the campaign test sends its first "
         "subscribed event with campaign fields and test: true",),
        "Only the agent `webhook.test` has a documented payload; the campaign test is \"a "
        "synthetic event matching the webhook's subscribed events\"; `context` is documented "
        "to be echoed.",
        varies=False,
    ),
    Unknown(
        "webhooks.retries",
        "webhooks",
        "Which delivery failures are retried, and when",
        ("any non-2xx answer, timeout or connection error, retried at once (no back-off) up to "
         "max_retries; one delivery log per attempt",),
        "The docs say deliveries are retried up to `max_retries` on failure; the schedule and "
        "which statuses count as failure are not documented.",
        varies=False,
    ),
    Unknown(
        "delivery_log.request_payload",
        "webhooks",
        "`request_payload` of agent delivery logs",
        ("documented form: {call_id, duration} for call events, the test payload for "
         "webhook.test", "the full payload that was sent"),
        "The only example is {\"call_id\": \"...\", \"duration\": 45} for "
        "event_phone_call_ended.",
    ),
    # -- permissions -------------------------------------------------------------------
    Unknown(
        "permissions.abilities",
        "account, all (scoped environment tokens)",
        "What a token ability allows",
        ("\"*\" everything; \"read\" GET requests; \"METHOD /template\" that one route",),
        "Only `*` (full access, also when omitted) and `read` appear in the docs. Environment "
        "token scopes are not documented at all: the fake's `abilities=` option uses the same "
        "rules.",
        varies=False,
    ),
    Unknown(
        "permissions.forbidden_body",
        "all",
        "403 body of a forbidden call where the page shows none",
        ("E2 {success: false, message: \"You are not authorized to perform this action.\"}",
         "E3 {success: false, message, code: \"UNAUTHORIZED\"}",
         "E1 {success: false, error: {code: \"UNAUTHORIZED\", ...}}"),
        "delete-agent, delete-training and delete-action show E2 bodies (sent as shown); the "
        "message of delete-agent's example is used elsewhere (delete-campaign's documented 403 "
        "is its state refusal, so a permission 403 there is this choice too). The Account API "
        "token routes answer E5 {message}, like their other errors.",
    ),
    # -- states ------------------------------------------------------------------------
    Unknown(
        "states.release_requests",
        "phone numbers",
        "Release request outcomes",
        ("approved (seen) or rejected (not seen), with resolved_at; an approved number leaves "
         "the environment",),
        "The pt-br list shows `pending` and `approved` only; what a rejection looks like and "
        "what happens to an approved number are not documented.",
        varies=False,
    ),
    Unknown(
        "states.inbound_calls",
        "callbacks, calls",
        "Inbound calls and callback statistics",
        ("an inbound call to an agent's number is a callback when its caller was called by a "
         "source agent in the last 30 days; answered when it completes",),
        "The docs define the stats' fields, not the matching window or what counts as "
        "answered.",
        varies=False,
    ),
    Unknown(
        "states.optimized_costs",
        "agents",
        "Eligibility for optimised costs",
        ("eligible with at least 700 calls (any status, testing included) created in the "
         "last 7 days",),
        "The example shows required_calls 700 and threshold_days 7; which calls count is not "
        "stated.",
        varies=False,
    ),
)

_BY_KEY = {u.key: u for u in UNKNOWNS}
if len(_BY_KEY) != len(UNKNOWNS):  # pragma: no cover - a table edit error
    raise RuntimeError("duplicate keys in UNKNOWNS")


def unknown(key: str) -> Unknown:
    """The record for `key`."""
    return _BY_KEY[key]


class Unknowns:
    """A fake's policy: the default choices (`honest`) or a seeded draw per use (`vary`)."""

    def __init__(self, mode: Mode = "honest", seed: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknowns must be one of {MODES}")
        self.mode: Mode = mode
        self.seed = seed
        self._rng = random.Random(seed)
        self.drawn: dict[str, dict[str, int]] = {}

    @property
    def vary(self) -> bool:
        """True in `vary` mode."""
        return self.mode == "vary"

    def pick(self, key: str, *, among: int | None = None) -> int:
        """The index of the option used for `key` this time (0 = the default). `among`
        limits the draw to the first options (when some do not apply)."""
        record = _BY_KEY[key]
        if not self.vary or not record.varies:
            return 0
        count = len(record.options) if among is None else max(1, min(among, len(record.options)))
        index = self._rng.randrange(count)
        counts = self.drawn.setdefault(key, {})
        counts[record.options[index]] = counts.get(record.options[index], 0) + 1
        return index

    def __repr__(self) -> str:
        seed = f" seed={self.seed}" if self.vary else ""
        return f"<Unknowns {self.mode}{seed}>"


_default: tuple[Mode, int | None] = ("honest", None)


def default_unknowns() -> tuple[Mode, int | None]:
    """`(mode, seed)` used by a `FakeTalkover` built without `unknowns=` (see
    `use_unknowns`; the pytest plugin's `--talkover-vary-seeds` sets it per test)."""
    return _default


@contextmanager
def use_unknowns(mode: Mode, seed: int | None = None) -> Iterator[None]:
    """Within the block, fakes built without `unknowns=` use `mode` and `seed`."""
    global _default
    if mode not in MODES:
        raise ValueError(f"unknowns must be one of {MODES}")
    saved, _default = _default, (mode, seed)
    try:
        yield
    finally:
        _default = saved


DOCS_BEGIN = "<!-- unknowns: generated from talkover_async/testing/unknowns.py -->"
DOCS_END = "<!-- /unknowns -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown() -> str:
    """The docs section (between `DOCS_BEGIN` and `DOCS_END`, both included)."""
    lines = [
        DOCS_BEGIN,
        "",
        "| area | what the docs leave open | the fake's default | other answers (`vary`) | why |",
        "|---|---|---|---|---|",
    ]
    for u in UNKNOWNS:
        others = "; ".join(f"`{o}`" for o in u.alternatives) if u.alternatives else "—"
        if u.alternatives and not u.varies:
            others += " (not varied)"
        lines.append(
            f"| {_cell(u.area)} | {_cell(u.what)} (`{u.key}`) | `{_cell(u.choice)}` "
            f"| {_cell(others)} | {_cell(u.reason)} |"
        )
    lines += ["", DOCS_END]
    return "\n".join(lines)
