"""The table of undocumented choices, `unknowns="vary"`, and the generated docs section."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from talkover_async import _json
from talkover_async.testing import FakeTalkover, faults
from talkover_async.testing.documented import DOCUMENTED_CODES
from talkover_async.testing.unknowns import (
    DOCS_BEGIN,
    DOCS_END,
    UNKNOWNS,
    Unknowns,
    default_unknowns,
    render_markdown,
    use_unknowns,
)

from .conftest import AGENT_BODY, SESSION, TOKEN, Api, campaign_body, error_shape

ROOT = Path(__file__).parent.parent.parent
PACKAGE = ROOT / "talkover_async" / "testing"


def _vary(seed: int) -> FakeTalkover:
    return FakeTalkover(TOKEN, account_token=SESSION, seed=seed, unknowns="vary")


# -- the table -------------------------------------------------------------------------


def test_every_choice_in_the_code_is_in_the_table_and_every_varied_record_is_used() -> None:
    source = "\n".join(p.read_text() for p in PACKAGE.rglob("*.py"))
    picked = set(re.findall(r'pick\(\s*"([a-z_.0-9]+)"', source))
    keys = {u.key for u in UNKNOWNS}
    assert picked <= keys, picked - keys
    # shaping.py picks the error keys through _error_key
    picked |= {"error.shape", "error.validation", "error.500", "permissions.forbidden_body"}
    varied = {u.key for u in UNKNOWNS if u.varies}
    assert varied <= picked, varied - picked
    for record in UNKNOWNS:
        assert record.reason and record.what and record.area
        assert not record.varies or record.alternatives, record.key
        assert "`" not in "".join(record.options), record.key  # rendered inside code spans


def test_every_code_a_handler_names_is_a_documented_one() -> None:
    """`code=` (sent as is) and `table_code=` (sent by E3/E1 in vary) are only codes the docs
    name; an error without one falls back to E2 in every mode."""
    source = "\n".join(p.read_text() for p in PACKAGE.rglob("*.py"))
    named = set(re.findall(r'\b(?:table_)?code="([A-Z_]+)"', source))
    assert named and named <= DOCUMENTED_CODES, named - DOCUMENTED_CODES


def test_honest_mode_always_makes_the_first_choice() -> None:
    policy = Unknowns()
    assert [policy.pick(u.key) for u in UNKNOWNS for _ in range(5)] == [0] * (5 * len(UNKNOWNS))
    assert policy.drawn == {}


def test_vary_draws_every_option_reproducibly_per_seed() -> None:
    a, b = Unknowns("vary", 11), Unknowns("vary", 11)
    for record in UNKNOWNS:
        draws = [a.pick(record.key) for _ in range(60)]
        assert draws == [b.pick(record.key) for _ in range(60)]
        expected = set(range(len(record.options))) if record.varies else {0}
        assert set(draws) == expected, record.key
    assert Unknowns("vary", 12).pick("status.create", among=1) == 0
    with pytest.raises(ValueError, match="unknowns"):
        Unknowns("sometimes")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        a.pick("no.such.choice")


def test_use_unknowns_sets_the_default_of_fakes_built_without_the_option() -> None:
    assert default_unknowns() == ("honest", None)
    with use_unknowns("vary", 5):
        inner = FakeTalkover(TOKEN, seed=99)
        explicit = FakeTalkover(TOKEN, unknowns="honest")
    assert (inner.unknowns.mode, inner.unknowns.seed) == ("vary", 5)  # the run's seed wins
    assert explicit.unknowns.mode == "honest"
    assert FakeTalkover(TOKEN).unknowns.mode == "honest"


def test_the_docs_section_is_generated_from_the_table() -> None:
    page = (ROOT / "docs" / "testing.md").read_text()
    section = page[page.index(DOCS_BEGIN) : page.index(DOCS_END) + len(DOCS_END)]
    assert section == render_markdown(), "run python docs/gen_unknowns.py"
    for record in UNKNOWNS:
        assert f"`{record.key}`" in section
    spec = importlib.util.spec_from_file_location("gen_unknowns", ROOT / "docs/gen_unknowns.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stale = page.replace(section, DOCS_BEGIN + "\n| stale |\n" + DOCS_END)
    assert module.regenerate(stale) == page


# -- honest defaults: documented forms ---------------------------------------------------


async def test_honest_errors_carry_no_invented_code(inproc: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    published = await inproc.delete(f"/agents/{agent.id}")
    assert published.status == 409 and "code" not in published.json
    bad = await inproc.post("/agents", {"name": "x"})
    assert bad.status == 422 and set(bad.json) == {"message", "errors"}  # E4
    missing = await inproc.get("/agents/nope")
    assert missing.json == {"success": False, "message": "Agent not found"}


async def test_honest_formats_follow_the_examples(inproc: Api, fake: FakeTalkover) -> None:
    agent = fake.seed_agent()
    campaign = fake.seed_campaign(agent.id)
    hook = await inproc.post(
        f"/campaigns/{campaign.id}/webhooks",
        {"name": "n", "webhook_url": "http://127.0.0.1:9/h", "events": ["campaign.started"]},
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", hook.data["created_at"])  # seconds
    agent_hook = await inproc.post(
        f"/agents/{agent.id}/webhooks",
        {"name": "n", "webhook_url": "http://127.0.0.1:9/h", "events": ["event_phone_call_ended"]},
    )
    assert agent_hook.data["created_at"].endswith(".000000Z")  # agent webhooks: microseconds
    settings = await inproc.put("/auto-topup/settings", {"threshold_amount": 10, "recharge_amount": 50})
    assert b'"threshold_amount":10.0' in settings.body and b'"daily_limit":500.0' in settings.body
    balance = await inproc.get("/credits/balance", token=SESSION)
    assert isinstance(balance.data["balance"], float)


async def test_delivery_logs_use_documented_forms(
    inproc: Api, fake: FakeTalkover, receiver: Any
) -> None:
    agent = fake.seed_agent()
    hook = await inproc.post(
        f"/agents/{agent.id}/webhooks",
        {"name": "n", "webhook_url": receiver.url, "events": ["event_phone_call_ended"]},
    )
    await inproc.post(f"/agents/{agent.id}/call", {"to": "+14155550100"})
    await fake.advance(60)
    await inproc.post(f"/agents/{agent.id}/webhooks/{hook.data['id']}/test")
    logs = (await inproc.get(f"/agents/{agent.id}/webhooks/{hook.data['id']}/logs")).data
    test_log, ended_log = logs
    assert ended_log["request_payload"] == {"call_id": fake.calls[0].id, "duration": 30}
    assert test_log["request_payload"]["event"] == "webhook.test"
    assert "event_id" not in test_log["request_payload"] and test_log["request_payload"]["test"]
    for log in logs:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", log["created_at"])
        names = list(log["response_headers"])
        assert "Content-Type" in names and all(n == n.title() for n in names)


# -- vary ------------------------------------------------------------------------------


async def test_vary_varies_statuses_error_shapes_paging_timestamps_amounts() -> None:
    statuses: set[int] = set()
    shapes: set[str] = set()
    paging: set[str] = set()
    stamps: set[bool] = set()
    amounts: set[type] = set()
    for seed in range(6):
        fake = _vary(seed)
        api = Api(fake)
        agent = fake.seed_agent()
        for _ in range(4):
            statuses.add((await api.post("/agents", AGENT_BODY)).status)
            body = (await api.get("/agents/nope")).json
            shapes.add(error_shape(body))
            listed = (await api.get("/campaigns")).json
            paging.add("meta" if "meta" in listed else "pagination")
            got = (await api.get(f"/agents/{agent.id}")).data
            stamps.add("." in got["created_at"])
            settings = await api.put("/auto-topup/settings", {"threshold_amount": 10})
            amounts.add(type(settings.data["threshold_amount"]))
        assert (await api.post("/campaigns", campaign_body(agent.id))).status in (200, 201)
    assert statuses == {200, 201}
    assert shapes == {"E1", "E2", "E3"}
    assert paging == {"meta", "pagination"}
    assert stamps == {True, False}
    assert amounts == {int, float}


async def test_vary_never_touches_documented_bodies_or_statuses() -> None:
    for seed in range(5):
        fake = _vary(seed)
        api = Api(fake)
        agent = fake.seed_agent()
        deleted = await api.delete(f"/agents/{agent.id}")
        assert deleted.json == {  # delete-agent shows E2 for its 409s
            "success": False,
            "message": "Agent must be unpublished before it can be deleted.",
        }
        campaign = fake.seed_campaign(agent.id)
        call = await api.post(f"/campaigns/{campaign.id}/call", {"to": "+14155550100"})
        assert call.status == 201 and set(call.json) == {"campaign_call", "campaign"}
        hook = await api.post(f"/agents/{agent.id}/webhooks", {"name": "x"})
        assert set(hook.json) == {"message", "errors"}  # the webhook pages' E4
        assert (await api.get("/agents/x/webhooks", token=None)).json == {
            "message": "Missing Bearer Token"
        }


async def test_vary_validation_errors_are_e4_or_e6() -> None:
    seen: set[str] = set()
    fake = _vary(1)
    api = Api(fake)
    agent = fake.seed_agent()
    for _ in range(20):
        body = (await api.post(f"/agents/{agent.id}/call", {})).json
        if isinstance(body.get("errors"), dict):
            assert "success" not in body and body["errors"]["to"]
            seen.add("E4")
        else:
            assert body["success"] is False and body["errors"] == ["The to field is required."]
            seen.add("E6")
    assert seen == {"E4", "E6"}
    assert fake.unknowns.drawn["error.validation"]


async def test_vary_lowercases_delivery_headers_sometimes(receiver: Any) -> None:
    casings: set[bool] = set()
    fractions: set[bool] = set()
    for seed in range(6):
        fake = _vary(seed)
        api = Api(fake)
        agent = fake.seed_agent()
        hook = await api.post(
            f"/agents/{agent.id}/webhooks",
            {"name": "n", "webhook_url": receiver.url, "events": ["event_phone_call_started"],
             "webhook_secret": "s3cret"},
        )  # fmt: skip
        await api.post(f"/agents/{agent.id}/webhooks/{hook.data['id']}/test")
        headers, body = receiver.received[-1]
        casings.add("x-talkover-signature" in headers)
        payload = _json.loads(body)
        assert payload["event"] == "webhook.test"
        fractions.add("." in payload["timestamp"])  # timestamps.fraction reaches payloads
    assert casings == {True, False}
    assert fractions == {True, False}


async def _every_unknown(fake: FakeTalkover, receiver: Any) -> None:
    """One pass over every place the fake draws a varying choice."""
    api = Api(fake)
    agent = fake.seed_agent()
    fake.faults.add("GET /agents", faults.server_error(), times=3)
    scoped = "talq_fake_test_read_only_0001"
    fake.add_environment(scoped, abilities=["read"])
    for _ in range(3):
        await api.post("/agents", AGENT_BODY)  # status.create, timestamps.fraction
        await api.get("/agents/nope")  # error.shape
        await api.post(f"/agents/{agent.id}/call", {})  # error.validation
        await api.get("/agents")  # error.500
        await api.post("/agents", AGENT_BODY, token=scoped)  # permissions.forbidden_body
        await api.get("/campaigns")  # pagination.campaigns
        await api.put("/auto-topup/settings", {"threshold_amount": 10})  # amounts.decimal
    hook = await api.post(
        f"/agents/{agent.id}/webhooks",
        {"name": "n", "webhook_url": receiver.url, "events": ["event_phone_call_ended"]},
    )
    await api.post(f"/agents/{agent.id}/call", {"to": "+14155550100"})
    await fake.advance(60)
    for _ in range(3):  # headers.casing, delivery_log.request_payload
        await api.get(f"/agents/{agent.id}/webhooks/{hook.data['id']}/logs")


async def test_vary_draws_every_alternative_of_every_varying_record(receiver: Any) -> None:
    """Across seeds, the fake itself (not only `Unknowns`) answers with every option the
    table lists for each varying record; honest mode draws nothing."""
    seen: dict[str, set[str]] = {}
    for seed in range(8):
        fake = _vary(seed)
        await _every_unknown(fake, receiver)
        for key, counts in fake.unknowns.drawn.items():
            seen.setdefault(key, set()).update(counts)
    for record in UNKNOWNS:
        if record.varies:
            assert seen.get(record.key) == set(record.options), record.key
        else:
            assert record.key not in seen, record.key
    honest = FakeTalkover(TOKEN, account_token=SESSION, seed=1)
    await _every_unknown(honest, receiver)
    assert honest.unknowns.drawn == {}


async def test_vary_is_reproducible_per_seed(receiver: Any) -> None:
    runs = []
    for seed in (4, 4, 5):
        fake = _vary(seed)
        await _every_unknown(fake, receiver)
        answers = [(e.status, e.response) for e in fake.journal if "/logs" not in e.path]
        runs.append((fake.unknowns.drawn, answers))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


async def test_vary_draws_webhook_errors_the_pages_do_not_show() -> None:
    """The agent webhook pages show a missing-token 401 and two 404s (sent exactly); a wrong
    token there, and every campaign webhook error, are undocumented and drawn."""
    wrong_token: set[str] = set()
    campaign_404: set[str] = set()

    for seed in range(8):
        fake = _vary(seed)
        api = Api(fake)
        agent = fake.seed_agent()
        campaign = fake.seed_campaign(agent.id)
        assert (await api.get(f"/agents/{agent.id}/webhooks/nope")).json == {
            "success": False,
            "message": "Webhook not found.",
        }
        assert (await api.get(f"/agents/{agent.id}/webhooks", token=None)).json == {
            "message": "Missing Bearer Token"
        }
        wrong_token.add(error_shape((await api.get(f"/agents/{agent.id}/webhooks", token="x")).json))
        before = sum(fake.unknowns.drawn.get("error.shape", {}).values())
        campaign_404.add(error_shape((await api.get(f"/campaigns/{campaign.id}/webhooks/nope")).json))
        assert sum(fake.unknowns.drawn["error.shape"].values()) == before + 1  # a choice
    assert wrong_token == {"E1", "E3", "E2"}
    assert campaign_404 == {"E2"}  # the docs name no code for it: E2 only
