"""Seeding helpers for documented states the API offers no way to reach: campaign files,
resolved phone-number release requests, a large call history, inbound calls.

`FakeTalkover` inherits them; each writes the state directly (no HTTP, nothing journaled).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from .state import Call

if TYPE_CHECKING:
    from .clock import VirtualClock
    from .lifecycle import Engine
    from .state import Agent, Campaign, Environment, Ids

__all__ = ["Seeding"]

ReleaseStatus = Literal["pending", "approved", "rejected"]


class Seeding:
    """Mixin of `FakeTalkover`: seeding without HTTP."""

    if TYPE_CHECKING:
        clock: VirtualClock
        ids: Ids
        engine: Engine

        def state(self, token: str | None = None) -> Environment: ...
        def outcome_for(self, number: str) -> tuple[str, int]: ...

    def seed_campaign_files(
        self,
        campaign_id: str,
        files: Iterable[Mapping[str, Any]] | None = None,
        *,
        token: str | None = None,
    ) -> list[dict[str, Any]]:
        """Attach uploaded contact files to a campaign (`files[]` of Get Campaign). Each item
        may set `original_filename`, `status` (`processed`, `processing`), `total_records`,
        `processed_records`; the rest is filled in. Default: one processed CSV of 100 rows."""
        campaign: Campaign = self.state(token).campaigns[campaign_id]
        added: list[dict[str, Any]] = []
        for item in files if files is not None else [{}]:
            name = str(item.get("original_filename", f"contacts-{len(added) + 1}.csv"))
            status = str(item.get("status", "processed"))
            total = int(item.get("total_records", 100))
            done = int(item.get("processed_records", total if status == "processed" else 0))
            record = {
                "id": str(item.get("id", self.ids.new())),
                "original_filename": name,
                "processed_filename": str(
                    item.get("processed_filename", f"{self.ids.new()}.{name.rsplit('.', 1)[-1]}")
                ),
                "status": status,
                "total_records": total,
                "processed_records": done,
            }
            added.append(record)
        campaign.files.extend(added)
        return added

    def seed_release_request(
        self,
        phone_number_id: str,
        *,
        status: ReleaseStatus = "approved",
        reason: str = "Seeded release request",
        token: str | None = None,
    ) -> dict[str, Any]:
        """A release request for a number, already `approved` (the number leaves the
        environment), `rejected` or `pending`."""
        env = self.state(token)
        number = env.phone_numbers[phone_number_id]
        request = {
            "id": self.ids.new(),
            "phone_number_id": number["id"],
            "phone_number": number["number"],
            "reason": reason,
            "status": "pending",
            "requested_at": self.clock.iso(),
        }
        env.release_requests.append(request)
        if status != "pending":
            self.resolve_release_request(request["id"], status, token=token)
        return request

    def resolve_release_request(
        self,
        request_id: str,
        status: Literal["approved", "rejected"] = "approved",
        *,
        token: str | None = None,
    ) -> dict[str, Any]:
        """Approve or reject a pending release request (as staff would); an approved number
        is removed from the environment."""
        if status not in ("approved", "rejected"):
            raise ValueError("status must be 'approved' or 'rejected'")
        env = self.state(token)
        request = next((r for r in env.release_requests if r["id"] == request_id), None)
        if request is None:
            raise KeyError(request_id)
        if request["status"] != "pending":
            raise ValueError(f"release request is already {request['status']}")
        request["status"] = status
        request["resolved_at"] = self.clock.iso()
        if status == "approved":
            env.phone_numbers.pop(request["phone_number_id"], None)
            for agent in env.agents.values():
                if request["phone_number_id"] in agent.phone_number_ids:
                    agent.phone_number_ids.remove(request["phone_number_id"])
        return request

    def seed_call_history(
        self,
        agent_id: str,
        count: int = 700,
        *,
        within_days: float = 7.0,
        status: str = "completed",
        duration: int = 60,
        token: str | None = None,
    ) -> list[Call]:
        """`count` ended calls of an agent spread over the last `within_days` days (700 in 7
        days makes it eligible for optimised costs). No events, no charges."""
        if count < 0 or within_days <= 0:
            raise ValueError("count must be >= 0 and within_days > 0")
        env = self.state(token)
        agent = env.agents[agent_id]
        now = self.clock.time
        span = within_days * 86400.0
        numbers = [env.phone_numbers[i] for i in agent.phone_number_ids if i in env.phone_numbers]
        caller = numbers[0]["number"] if numbers else "+14155550000"
        calls: list[Call] = []
        for index in range(count):
            at = now - span * (index + 1) / (count + 1)
            call = Call(
                id=self.ids.new(),
                agent_id=agent.id,
                to=f"+1415{(5550000 + index) % 10_000_000:07d}",
                from_=caller,
                sid="CA" + self.ids.new().replace("-", ""),
                created_at=at,
                updated_at=at + duration,
                outcome=status,
                talk_seconds=duration if status == "completed" else 0,
                next_at=None,
                status=status,
                duration=duration if status == "completed" else 0,
                ended_at=at + duration,
                ended_reason=status,
            )
            env.calls[call.id] = call
            calls.append(call)
        return calls

    def ring(
        self,
        number: str,
        *,
        caller: str,
        outcome: str | None = None,
        talk_seconds: int | None = None,
        token: str | None = None,
    ) -> Call:
        """An inbound call from `caller` to one of the environment's numbers (E.164 or
        phone-number id), answered by the published inbound agent that owns it (a callback
        agent first). It moves along the virtual clock like any call (`await
        fake.advance(...)`) and counts in callback statistics when a source agent called
        `caller` in the 30 days before."""
        env = self.state(token)
        record = env.phone_numbers.get(number) or next(
            (n for n in env.phone_numbers.values() if n["number"] == number), None
        )
        if record is None:
            raise KeyError(f"no phone number {number!r} in this environment")
        owners: list[Agent] = [
            a
            for a in sorted(env.agents.values(), key=lambda a: a.seq)
            if a.direction == "inbound" and a.is_published and record["id"] in a.phone_number_ids
        ]
        if not owners:
            raise ValueError("no published inbound agent answers this number")
        owners.sort(key=lambda a: a.callback_source_ids is None)
        agent = owners[0]
        call = self.engine.place_call(env, agent, caller)
        call.direction = "inbound"
        call.to = record["number"]
        call.from_ = caller
        if outcome is not None or talk_seconds is not None:
            default_outcome, default_talk = self.outcome_for(caller)
            call.outcome = outcome or default_outcome
            call.talk_seconds = default_talk if talk_seconds is None else talk_seconds
        return call
