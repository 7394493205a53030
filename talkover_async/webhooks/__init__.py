"""Receiving Talkover webhooks: signatures, typed events, a framework-neutral receiver core and
its aiohttp.web and ASGI (FastAPI, Starlette) adapters.

```python
from talkover_async.webhooks import WebhookReceiver, EventType

receiver = WebhookReceiver(secret="whsec_...")

@receiver.on(EventType.PHONE_CALL_ENDED)
async def ended(event): ...

app.router.add_post("/webhooks", receiver.handle)       # aiohttp.web
fastapi_app.mount("/webhooks", receiver.asgi_app())     # FastAPI / Starlette / any ASGI
```

Header name, signed bytes and encoding are our assumptions (see `signing`); docs/webhooks.md
has the details.
"""

from ..models.events import (
    CallEvent,
    CampaignCallEvent,
    CampaignEvent,
    EventFamily,
    EventType,
    TestEvent,
    UnknownEvent,
    WebhookEvent,
)
from .asgi import ASGIWebhookApp
from .core import BodyReader, HeaderMap, WebhookCore, read_limited
from .events import EVENT_CLASSES, WebhookPayloadError, event_class, parse_event
from .receiver import (
    DEFAULT_DEDUPE_SIZE,
    DELIVERY_ID_HEADER,
    EVENT_HEADER,
    DedupeStore,
    MemoryDedupeStore,
    WebhookReceiver,
    WebhookResult,
)
from .signing import (
    SIGNATURE_HEADER,
    SecretInput,
    WebhookSecrets,
    WebhookVerificationError,
    ensure_signature,
    sign,
    verify_signature,
)

__all__ = [
    "ASGIWebhookApp",
    "BodyReader",
    "HeaderMap",
    "WebhookCore",
    "read_limited",
    "DEFAULT_DEDUPE_SIZE",
    "DELIVERY_ID_HEADER",
    "EVENT_CLASSES",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "CallEvent",
    "CampaignCallEvent",
    "CampaignEvent",
    "DedupeStore",
    "EventFamily",
    "EventType",
    "MemoryDedupeStore",
    "SecretInput",
    "TestEvent",
    "UnknownEvent",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookReceiver",
    "WebhookResult",
    "WebhookSecrets",
    "WebhookVerificationError",
    "ensure_signature",
    "event_class",
    "parse_event",
    "sign",
    "verify_signature",
]
