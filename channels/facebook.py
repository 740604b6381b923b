"""Facebook Messenger (POST /webhooks/facebook/webhook): Meta's webhook, signed, and its Send API.

Rasa's route answered a forged request with 200 ("not validated"), checked only the SHA-1
signature, handled only the first message of a batched delivery, answered the 👍 key (a "like"
sticker, sent as an image) with "I didn't understand", and sent replies with a blocking client
that took a refused message for a sent one: a greeting whose button titles were over Meta's
20 characters reached nobody, and no apology either. Here (`channels.graph` for the shared
parts):

- every message of a delivery is read: text, a quick reply's or a postback button's payload,
  the like sticker as a rating (`/feedback_helpful`), a location or an attachment without text
  (`channels.unreadable`); echoes of the page's own messages, delivery and read receipts,
  reactions, other stickers and the rest get a 200 and no answer;
- the sender is marked seen and shown the typing indicator before the answer;
- buttons: up to 3 in a button template (text up to 640 characters), else up to 13 quick
  replies (text up to 2,000), titles of at most 20 characters, payloads of at most 1,000.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from sanic.request import Request

from channels.buttons import ButtonLimits
from channels.graph import GRAPH_API_URL, GraphAPI, MetaWebhook
from channels.inbound import Inbound, items, mapping, string
from channels.messaging import MessagingChannel
from channels.outbound import SendFailed

# The 👍 key's stickers (small, medium, large), as Meta sends them.
LIKE_STICKERS = frozenset({369239263222822, 369239343222814, 369239383222810})
RATING = "/feedback_helpful"
TEMPLATE_BUTTONS = ButtonLimits(count=3, title=20, payload=1000, text=640)
QUICK_REPLIES = ButtonLimits(count=13, title=20, payload=1000, text=2000)


def read_delivery(payload: Any) -> list[Inbound]:
    """The messages to answer in one webhook delivery from Meta (see the module's docstring)."""
    payload = mapping(payload)
    if payload.get("object") != "page":
        return []
    events = (
        mapping(event)
        for entry in items(payload.get("entry"))
        for event in items(mapping(entry).get("messaging"))
    )
    return [update for event in events if (update := _read_event(event)) is not None]


def _read_event(event: Any) -> Inbound | None:
    sender = string(mapping(event.get("sender")).get("id"))
    message, postback = mapping(event.get("message")), mapping(event.get("postback"))
    update_id = (
        string(message.get("mid") or postback.get("mid")) or f"{sender}:{string(event.get('timestamp'))}"
    )
    if not sender or message.get("is_echo"):
        return None
    if postback:
        payload = string(postback.get("payload"))
        return Inbound(update_id, sender, payload) if payload else None
    quick_reply = string(mapping(message.get("quick_reply")).get("payload"))
    text = string(message.get("text")).strip()
    if quick_reply or text:
        return Inbound(update_id, sender, quick_reply or text)
    attachments = [mapping(a) for a in items(message.get("attachments"))]
    stickers = {mapping(a.get("payload")).get("sticker_id") for a in attachments} | {
        message.get("sticker_id")
    }
    if stickers & LIKE_STICKERS:
        return Inbound(update_id, sender, RATING)
    if any(s for s in stickers if s) or not attachments:  # another sticker: a gesture, no reply due
        return None
    if any(a.get("type") == "location" for a in attachments):
        return Inbound(update_id, sender, kind="location")
    return Inbound(update_id, sender, kind="media")


class MessengerOutput(OutputChannel):
    """The Send API (`/me/messages`) within Meta's limits; refusals raise `SendFailed`."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, graph: GraphAPI) -> None:
        self.graph = graph

    async def send(self, recipient_id: str, message: dict[str, Any]) -> None:
        body = {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message}
        await self.graph.post("me/messages", body)

    async def send_action(self, recipient_id: str, action: str) -> None:
        await self.graph.post("me/messages", {"recipient": {"id": recipient_id}, "sender_action": action})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in text.strip().split("\n\n"):
            await self.send(recipient_id, {"text": part})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send(recipient_id, {"attachment": {"type": "image", "payload": {"url": image}}})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.send(recipient_id, json_message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        if template := TEMPLATE_BUTTONS.fit(text, buttons):
            choices = [{"type": "postback", "title": b.title, "payload": b.payload} for b in template]
            template_payload = {"template_type": "button", "text": text, "buttons": choices}
            await self.send(recipient_id, {"attachment": {"type": "template", "payload": template_payload}})
        elif quick := QUICK_REPLIES.fit(text, buttons):
            replies = [{"content_type": "text", "title": b.title, "payload": b.payload} for b in quick]
            await self.send(recipient_id, {"text": text, "quick_replies": replies})
        else:
            raise SendFailed("Messenger", f"{len(buttons)} buttons fit neither a template nor quick replies")


class FacebookInput(MetaWebhook, MessagingChannel, RasaFacebookInput):
    """Rasa's Messenger channel read and answered as in the module's docstring."""

    max_characters = 2000  # Send API: "text must be UTF-8 and has a 2000 character limit"

    def configure(self, credentials: dict[str, Any]) -> None:
        super().configure(credentials)
        self.meta_verify_token, self.meta_app_secret = self.fb_verify, self.fb_secret
        self.graph = GraphAPI("Messenger", self.api_url or GRAPH_API_URL, self.fb_access_token)

    def read(self, request: Request) -> list[Inbound]:
        return read_delivery(request.json)

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.graph)

    async def acknowledge(self, update: Inbound, output: MessengerOutput) -> None:
        for action in ("mark_seen", "typing_on"):
            await output.send_action(update.sender, action)
