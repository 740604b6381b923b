"""WhatsApp through Meta's Cloud API (GET and POST /webhooks/whatsapp/webhook).

Rasa 3.6 has no channel for it (the community connector checks no signature). Its interface,
which other tools rely on: the channel is named `whatsapp`; its variables are
WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, WHATSAPP_PHONE_NUMBER_ID and
WHATSAPP_API_URL (the Graph API's base address, version included; Meta's by default); replies
and read marks are POSTed to `{WHATSAPP_API_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages` with
`Authorization: Bearer` and the Graph API's JSON (`messaging_product: whatsapp`).

- The webhook's handshake and `X-Hub-Signature-256` on every POST: `channels.graph`.
- Read: `entry[].changes[].value.messages` of the `messages` field, for this phone number only
  (one app may serve several numbers): text, the id of an interactive `button_reply` or
  `list_reply` (the button's payload), a template button's payload, the caption of an image, a
  video or a document; a location or media without caption gets `channels.unreadable`'s reply.
  `statuses` (sent, delivered, read, failed), reactions, stickers, system messages and other
  fields get a 200 and no answer. The sender is the user's `wa_id` (`from`), or their
  business-scoped user id (`from_user_id`) when the phone number is withheld.
- Each message is marked read before it is answered.
- Replies: text, up to 3 reply buttons (titles of at most 20 characters, body up to 1,024) or,
  with more choices, a list of up to 10 rows (titles of at most 24 characters), under a button
  labelled "Options" (the same word in English and French). A business-scoped user id is
  addressed with `recipient`, a phone number with `to`.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic.request import Request

from channels.buttons import ButtonLimits
from channels.graph import GRAPH_API_URL, GraphAPI, MetaWebhook
from channels.inbound import Inbound, items, mapping, string
from channels.messaging import MessagingChannel
from channels.outbound import SendFailed

REPLY_BUTTONS = ButtonLimits(count=3, title=20, payload=256, text=1024)
LIST_ROWS = ButtonLimits(count=10, title=24, payload=200, text=4096)
LIST_BUTTON = "Options"
CAPTIONED = ("image", "video", "document")
MEDIA = (*CAPTIONED, "audio", "contacts", "order", "unsupported")


def read_notification(payload: Any, phone_number_id: str) -> list[Inbound]:
    """The messages to answer in one webhook notification (see the module's docstring)."""
    payload = mapping(payload)
    if payload.get("object") != "whatsapp_business_account":
        return []
    values = (
        mapping(mapping(change).get("value"))
        for entry in items(payload.get("entry"))
        for change in items(mapping(entry).get("changes"))
        if mapping(change).get("field") == "messages"
    )
    return [
        update
        for value in values
        if string(mapping(value.get("metadata")).get("phone_number_id")) == phone_number_id
        for message in items(value.get("messages"))
        if (update := _read_message(mapping(message))) is not None
    ]


def _read_message(message: Any) -> Inbound | None:
    sender = string(message.get("from")) or string(message.get("from_user_id"))
    update_id = string(message.get("id")) or None
    kind = string(message.get("type"))
    if not sender or message.get("group_id"):
        return None
    found = {"id": update_id, "sender": sender, "receipt": update_id}
    text = _text(message, kind)
    if text:
        return Inbound(text=text, **found)
    if kind == "location":
        return Inbound(kind="location", **found)
    if kind in MEDIA:
        return Inbound(kind="media", **found)
    return None  # statuses come apart; reactions, stickers, system messages: no reply due


def _text(message: Any, kind: str) -> str:
    """What the user wrote, or the payload of the button they tapped."""
    if kind == "text":
        return string(mapping(message.get("text")).get("body")).strip()
    if kind == "interactive":
        interactive = mapping(message.get("interactive"))
        return string(mapping(interactive.get(string(interactive.get("type")))).get("id"))
    if kind == "button":
        button = mapping(message.get("button"))
        return string(button.get("payload")) or string(button.get("text"))
    if kind in CAPTIONED:
        return string(mapping(message.get(kind)).get("caption")).strip()
    return ""


def address(user: str) -> dict[str, str]:
    """How the Graph API names a user: a phone number (`wa_id`) as `to`, a business-scoped id
    ("US.13491208655302741918") as `recipient`."""
    return {"to": user} if user.isdigit() else {"recipient": user}


class WhatsAppOutput(OutputChannel):
    """Replies and read marks through `/{phone-number-id}/messages`; refusals raise `SendFailed`."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(self, graph: GraphAPI, phone_number_id: str) -> None:
        self.graph = graph
        self.path = f"{phone_number_id}/messages"

    async def send(self, recipient_id: str, message: dict[str, Any]) -> None:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            **address(recipient_id),
            **message,
        }
        await self.graph.post(self.path, body)

    async def mark_read(self, message_id: str) -> None:
        await self.graph.post(
            self.path, {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}
        )

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send(recipient_id, {"type": "text", "text": {"preview_url": False, "body": text}})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send(recipient_id, {"type": "image", "image": {"link": image}})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if fitted := REPLY_BUTTONS.fit(text, buttons):
            replies = [{"type": "reply", "reply": {"id": b.payload, "title": b.title}} for b in fitted]
            interactive = {"type": "button", "body": {"text": text}, "action": {"buttons": replies}}
        elif fitted := LIST_ROWS.fit(text, buttons):
            rows = [{"id": b.payload, "title": b.title} for b in fitted]
            action = {"button": LIST_BUTTON, "sections": [{"rows": rows}]}
            interactive = {"type": "list", "body": {"text": text}, "action": action}
        else:
            raise SendFailed("WhatsApp", f"{len(buttons)} buttons fit neither reply buttons nor a list")
        await self.send(recipient_id, {"type": "interactive", "interactive": interactive})


class WhatsAppInput(MetaWebhook, MessagingChannel, InputChannel):
    """WhatsApp through Meta's Cloud API: see the module's docstring."""

    max_characters = 4096  # a text message's body

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def configure(self, credentials: dict[str, Any]) -> None:
        super().configure(credentials)
        self.meta_verify_token = credentials["verify_token"]
        self.meta_app_secret = credentials["app_secret"]
        self.phone_number_id = credentials["phone_number_id"]
        self.graph = GraphAPI("WhatsApp", self.api_url or GRAPH_API_URL, credentials["access_token"])

    def read(self, request: Request) -> list[Inbound]:
        return read_notification(request.json, self.phone_number_id)

    def get_output_channel(self) -> WhatsAppOutput:
        return WhatsAppOutput(self.graph, self.phone_number_id)

    async def acknowledge(self, update: Inbound, output: WhatsAppOutput) -> None:
        if update.receipt:
            await output.mark_read(update.receipt)
