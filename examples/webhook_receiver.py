"""Receive Talkover call events for a dispatch and match them back to your rows.

    python examples/webhook_receiver.py              # demo on the embedded fake, then exits
    python examples/webhook_receiver.py --serve 8080 # receive real deliveries until Ctrl-C

Each dispatched call carries your row's key in `context`; Talkover echoes `context` in every
webhook event of the call, so the receiver knows which row ended and how. The receiver checks
the HMAC signature before parsing the body and drops repeated deliveries
(`talkover_async.webhooks.WebhookReceiver`; this example serves it with aiohttp.web, and
`app.mount("/webhooks/talkover", receiver.asgi_app())` serves it in FastAPI or Starlette).
The demo registers a webhook on the fake's `demo` agent pointing at this receiver,
dispatches 20 calls, lets the fake's clock run so the calls complete, and prints what arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections import Counter

from aiohttp import web

from talkover_async import AsyncTalkover
from talkover_async.dispatch import CallSpec
from talkover_async.transports import MockTransport
from talkover_async.webhooks import CallEvent, EventType, WebhookReceiver

SECRET = os.environ.get("TALKOVER_WEBHOOK_SECRET", "whsec_example_receiver_secret")
receiver = WebhookReceiver(secret=SECRET)
ended: dict[str, CallEvent] = {}


@receiver.on(EventType.PHONE_CALL_ENDED)
async def call_ended(event: CallEvent) -> None:
    row = (event.context or {}).get("row")
    ended[str(row)] = event
    print(f"row {row}: call {event.call_id} ended ({event.status}, {event.duration} s)")


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_post("/webhooks/talkover", receiver.handle)
    return app


async def demo() -> None:
    from talkover_async.testing import FakeTalkover

    runner = web.AppRunner(make_app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    url = f"http://{host}:{port}/webhooks/talkover"
    print(f"receiver on {url}; TALKOVER_API_TOKEN unset or not: the demo uses the fake API")

    token = "talq_example_webhook_token"
    fake = FakeTalkover.demo(token=token)
    try:
        async with AsyncTalkover(token, transport=MockTransport(fake), env={}) as client:
            await client.agents.webhooks.create(
                "demo",
                name="dispatch results",
                webhook_url=url,
                events=[EventType.PHONE_CALL_ENDED.value],
                webhook_secret=SECRET,
            )
            specs = [
                CallSpec(
                    agent_id="demo",
                    to=f"+1415555{i:04d}",
                    context={"row": f"r{i}"},
                    key=f"r{i}",
                )
                for i in range(20)
            ]
            summary = await client.dispatch(specs, concurrency=5).run()
            print(f"dispatched: {summary.placed} placed")
        await fake.advance(600)  # ten virtual minutes: every call rings, answers and ends
    finally:
        await runner.cleanup()
    print(f"{len(ended)} of 20 rows ended:", dict(Counter(str(e.status) for e in ended.values())))


def serve(port: int) -> None:
    print(f"receiving on http://0.0.0.0:{port}/webhooks/talkover (Ctrl-C to stop)")
    web.run_app(make_app(), port=port, print=None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=int, metavar="PORT", help="serve until stopped")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
    else:
        asyncio.run(demo())
