"""How calls and campaign calls progress on the virtual clock, and which events they emit.

A call placed at `t` (plus `delay_seconds`) rings, then either answers and completes after its
talk time, or ends `busy` / `no-answer` / `failed`:

| time                          | status      | event                              |
|-------------------------------|-------------|------------------------------------|
| placed                        | initiated   | —                                  |
| placed + delay + dial_seconds | ringing     | event_phone_call_started           |
| + ring_seconds                | answered    | event_phone_call_connected         |
| + talk_seconds                | completed   | event_phone_call_ended             |
| + ring_seconds (busy, failed) | busy/failed | event_phone_call_did_not_connect   |
| + no_answer_seconds           | no-answer   | event_phone_call_did_not_connect   |

Campaign calls wait `queued` until their campaign is active and they are due, then dial the
same way; when they end, campaign webhooks get `campaign_call.completed` or
`campaign_call.failed`, and failures are re-queued after `retry_cooldown_hours` while retries
remain.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs

from .state import Agent, Call, Campaign, CampaignCall, Environment

if TYPE_CHECKING:
    from .fake import FakeTalkover

__all__ = ["OUTCOMES", "CallTiming", "Engine", "call_event"]

OUTCOMES = ("completed", "busy", "no-answer", "failed")


@attrs.define
class CallTiming:
    """Seconds each phase of a call takes on the virtual clock."""

    dial_seconds: float = 1.0
    ring_seconds: float = 5.0
    no_answer_seconds: float = 30.0
    talk_seconds: int = 30


def call_event(fake: FakeTalkover, call: Call, name: str) -> dict[str, Any]:
    """The payload of a per-call event (the fake's shape; the vendor documents none)."""
    payload: dict[str, Any] = {
        "event": name,
        "event_id": fake.ids.new(),
        "timestamp": fake.clock.iso(micro=True),
        "call_id": call.id,
        "agent_id": call.agent_id,
        "to": call.to,
        "from": call.from_,
        "direction": call.direction,
        "status": call.status,
        "duration": call.duration,
        "is_testing": call.is_testing,
        "context": dict(call.context or {}),
    }
    if call.ended_reason is not None:
        payload["ended_reason"] = call.ended_reason
    if call.campaign_id is not None:
        payload["campaign_id"] = call.campaign_id
        payload["campaign_call_id"] = call.campaign_call_id
    return payload


class Engine:
    """Places calls, moves them along and emits their webhook events."""

    def __init__(self, fake: FakeTalkover) -> None:
        self.fake = fake

    # -- placing and ending ------------------------------------------------------------

    def place_call(
        self,
        env: Environment,
        agent: Agent,
        to: str,
        *,
        payload: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        delay_seconds: int = 0,
        is_testing: bool = False,
        campaign_call: CampaignCall | None = None,
    ) -> Call:
        """Create a call that starts ringing after `delay_seconds`."""
        now = self.fake.clock.time
        outcome, talk = self.fake.outcome_for(to)
        numbers = [env.phone_numbers[i] for i in agent.phone_number_ids if i in env.phone_numbers]
        numbers = numbers or list(env.phone_numbers.values())
        call = Call(
            id=self.fake.ids.new(),
            agent_id=agent.id,
            to=to,
            from_=numbers[0]["number"] if numbers else "+14155550000",
            sid="CA" + self.fake.ids.new().replace("-", ""),
            created_at=now,
            updated_at=now,
            outcome=outcome,
            talk_seconds=talk,
            next_at=now + delay_seconds + self.fake.timing.dial_seconds,
            is_testing=is_testing,
            payload=payload,
            context=context,
            delay_seconds=delay_seconds,
        )
        if campaign_call is not None:
            call.campaign_id = campaign_call.campaign_id
            call.campaign_call_id = campaign_call.id
            campaign_call.call_id = call.id
            campaign_call.status = call.status
        env.calls[call.id] = call
        return call

    def end_call(self, env: Environment, call: Call) -> None:
        """Hang up an active call now (`ended_by_api`)."""
        now = self.fake.clock.time
        call.status = "completed"
        call.duration = int(now - call.answered_at) if call.answered_at is not None else 0
        call.ended_at = now
        call.ended_reason = "ended_by_api"
        call.updated_at = now
        call.next_at = None
        self._emit_call(env, call, "event_phone_call_ended")
        self._finished(env, call)

    # -- time --------------------------------------------------------------------------

    def next_due(self) -> float | None:
        """The earliest pending transition in any environment."""
        times: list[float] = []
        now = self.fake.clock.time
        for env in self.fake.environments:
            times.extend(c.next_at for c in env.calls.values() if c.next_at is not None)
            for cc in env.campaign_calls.values():
                campaign = env.campaigns.get(cc.campaign_id)
                if cc.status == "queued" and campaign is not None and campaign.status == "active":
                    times.append(max(cc.scheduled_at, now))
        return min(times) if times else None

    def run_due(self) -> None:
        """Apply every transition due now."""
        now = self.fake.clock.time
        for env in self.fake.environments:
            for cc in sorted(env.campaign_calls.values(), key=lambda c: c.seq):
                campaign = env.campaigns.get(cc.campaign_id)
                if (
                    cc.status == "queued"
                    and campaign is not None
                    and campaign.status == "active"
                    and cc.scheduled_at <= now
                ):
                    self._dial_campaign_call(env, campaign, cc)
            for call in sorted(env.calls.values(), key=lambda c: c.seq):
                if call.next_at is not None and call.next_at <= now:
                    self._step(env, call)

    def _dial_campaign_call(self, env: Environment, campaign: Campaign, cc: CampaignCall) -> None:
        agent = env.agents.get(campaign.config["agent_id"])
        if agent is None or not agent.is_published or agent.direction != "outbound":
            # The campaign's agent cannot dial (deleted, unpublished or inbound): the call fails.
            cc.status = "failed"
            self._emit_campaign(env, campaign, "campaign_call.failed", self._cc_payload(cc, None))
            return
        self.place_call(
            env,
            agent,
            cc.to,
            payload=cc.payload,
            context=cc.context,
            is_testing=cc.is_testing,
            campaign_call=cc,
        )

    def _step(self, env: Environment, call: Call) -> None:
        now = self.fake.clock.time
        timing = self.fake.timing
        call.updated_at = now
        if call.status == "initiated":
            call.status = "ringing"
            wait = timing.no_answer_seconds if call.outcome == "no-answer" else timing.ring_seconds
            call.next_at = now + wait
            self._emit_call(env, call, "event_phone_call_started")
        elif call.status == "ringing":
            if call.outcome == "completed":
                call.status = "answered"
                call.answered_at = now
                call.next_at = now + call.talk_seconds
                self._emit_call(env, call, "event_phone_call_connected")
            else:
                call.status = call.outcome
                call.ended_at = now
                call.ended_reason = call.outcome
                call.next_at = None
                self._emit_call(env, call, "event_phone_call_did_not_connect")
                self._finished(env, call)
        elif call.status == "answered":
            call.status = "completed"
            call.duration = call.talk_seconds
            call.ended_at = now
            call.ended_reason = "completed"
            call.next_at = None
            self._emit_call(env, call, "event_phone_call_ended")
            self._finished(env, call)
        else:  # pragma: no cover - ended calls have no next_at
            call.next_at = None
        if call.campaign_call_id is not None and call.is_active:
            cc = env.campaign_calls.get(call.campaign_call_id)
            if cc is not None:
                cc.status = call.status

    # -- endings -----------------------------------------------------------------------

    def _finished(self, env: Environment, call: Call) -> None:
        if not call.is_testing and call.duration:
            minutes = math.ceil(call.duration / 60)
            account = self.fake.account
            account.balance = round(account.balance - minutes * account.price_per_minute, 4)
        if call.campaign_call_id is None:
            return
        cc = env.campaign_calls.get(call.campaign_call_id)
        campaign = env.campaigns.get(call.campaign_id or "")
        if cc is None or campaign is None:
            return
        cc.status = call.status
        if call.status == "completed":
            self._emit_campaign(
                env, campaign, "campaign_call.completed", self._cc_payload(cc, call)
            )
            return
        if cc.retries < int(campaign.config.get("max_retries", 0)):
            cc.retries += 1
            cc.status = "queued"
            cc.call_id = None
            hours = float(campaign.config.get("retry_cooldown_hours", 24))
            cc.scheduled_at = self.fake.clock.time + hours * 3600
            return
        self._emit_campaign(env, campaign, "campaign_call.failed", self._cc_payload(cc, call))

    def _cc_payload(self, cc: CampaignCall, call: Call | None) -> dict[str, Any]:
        return {
            "campaign_call_id": cc.id,
            "call_id": call.id if call else None,
            "agent_id": call.agent_id if call else None,
            "to": cc.to,
            "from": call.from_ if call else None,
            "status": cc.status,
            "duration": call.duration if call else 0,
            "retries": cc.retries,
            "is_testing": cc.is_testing,
            "context": dict(cc.context or {}),
        }

    # -- events ------------------------------------------------------------------------

    def _emit_call(self, env: Environment, call: Call, name: str) -> None:
        payload = call_event(self.fake, call, name)
        for hook in sorted(env.webhooks.values(), key=lambda w: w.seq):
            if not hook.enabled:
                continue
            if (
                hook.owner == "agent" and hook.owner_id == call.agent_id and name in hook.events
            ) or (
                hook.owner == "campaign"
                and hook.owner_id == call.campaign_id
                and hook.include_call_events
            ):
                self.fake.deliverer.queue(hook, payload)

    def _emit_campaign(
        self, env: Environment, campaign: Campaign, name: str, fields: dict[str, Any]
    ) -> None:
        payload: dict[str, Any] = {
            "event": name,
            "event_id": self.fake.ids.new(),
            "timestamp": self.fake.clock.iso(micro=True),
            "campaign_id": campaign.id,
            "campaign_name": campaign.config.get("name"),
            "agent_id": campaign.config.get("agent_id"),
            "status": campaign.status,
            **fields,
        }
        for hook in sorted(env.webhooks.values(), key=lambda w: w.seq):
            if (
                hook.enabled
                and hook.owner == "campaign"
                and hook.owner_id == campaign.id
                and name in hook.events
            ):
                self.fake.deliverer.queue(hook, payload)

    def campaign_status_changed(self, env: Environment, campaign: Campaign) -> None:
        """Emit `campaign.started` (first activation) or `campaign.completed`."""
        if campaign.status == "active" and not campaign.started:
            campaign.started = True
            self._emit_campaign(env, campaign, "campaign.started", {})
        elif campaign.status == "completed":
            self._emit_campaign(env, campaign, "campaign.completed", {})
