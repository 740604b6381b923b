"""The test accounts on every messaging platform: the credentials the e2e Rasa server is given
(`environment`) and that the tests sign their requests with, as the platform would.

None is a real credential. The numbers and ids are those of the recorded payloads
(tests/channels/payloads): Twilio's numbers are courier's, WhatsApp's phone number id is the
one of Meta's documentation examples.
"""

from __future__ import annotations

import hashlib
import hmac
import time

PUBLIC = "https://bot.example.org/webhooks"  # the address the platforms were given (a proxy's)
TELEGRAM_TOKEN = "6021452387:AAHk-not-a-real-token"
TELEGRAM_SECRET = "s3cr3t-t0ken_for-telegram"
SLACK_TOKEN = "xoxb-not-a-real-token"
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FACEBOOK_TOKEN = "EAAB-not-a-real-page-token"
FACEBOOK_SECRET = "4a1f0c0e2b9d8e7f6a5b4c3d2e1f0a9b"
FACEBOOK_VERIFY = "unicef-mali-verify"
TWILIO_TOKEN = "9e3b1c7d5a2f4e6b8c0d1a3f5e7b9c2d"
SMS_NUMBER, TWILIO_WHATSAPP_NUMBER = "+12028831111", "whatsapp:+12028831111"
WHATSAPP_TOKEN = "EAAJ-not-a-real-system-user-token"
WHATSAPP_SECRET = "7c0d2e9f1a3b5c7d9e0f2a4b6c8d0e1f"
WHATSAPP_VERIFY = "unicef-mali-whatsapp"
WHATSAPP_PHONE_NUMBER_ID = "106540352242922"


def environment(standin_url: str) -> dict[str, str]:
    """Every messaging channel on, its replies sent to the stand-in at `standin_url`."""
    return {
        "TELEGRAM_ACCESS_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_BOT_USERNAME": "unicef_mali_bot",
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC}/telegram/webhook",
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": f"{standin_url}/telegram",
        "SLACK_BOT_TOKEN": SLACK_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_URL": f"{standin_url}/slack",
        "FACEBOOK_VERIFY_TOKEN": FACEBOOK_VERIFY,
        "FACEBOOK_APP_SECRET": FACEBOOK_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FACEBOOK_TOKEN,
        "FACEBOOK_API_URL": f"{standin_url}/facebook",
        "TWILIO_ACCOUNT_SID": "ACd7c3f0a9b2e14c6f8a5b1d9e2c7f4a30",
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_SMS_NUMBER": SMS_NUMBER,
        "TWILIO_SMS_WEBHOOK_URL": f"{PUBLIC}/twilio/webhook",  # as behind a proxy
        "TWILIO_WHATSAPP_NUMBER": TWILIO_WHATSAPP_NUMBER,
        "TWILIO_API_URL": f"{standin_url}/twilio",
        "WHATSAPP_ACCESS_TOKEN": WHATSAPP_TOKEN,
        "WHATSAPP_APP_SECRET": WHATSAPP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY,
        "WHATSAPP_PHONE_NUMBER_ID": WHATSAPP_PHONE_NUMBER_ID,
        "WHATSAPP_API_URL": f"{standin_url}/whatsapp",
    }


def standin_tokens() -> dict[str, str]:
    """What the stand-in expects each platform's calls to carry."""
    return {
        "telegram": TELEGRAM_TOKEN,
        "slack": SLACK_TOKEN,
        "facebook": FACEBOOK_TOKEN,
        "whatsapp": WHATSAPP_TOKEN,
        "whatsapp_phone_number_id": WHATSAPP_PHONE_NUMBER_ID,
    }


def meta_signature(secret: str, body: bytes) -> str:
    """`X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def slack_headers(secret: str, body: bytes, stamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature over `v0:<timestamp>:<body>`, with its timestamp."""
    stamp = int(time.time()) if stamp is None else stamp
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(stamp), "X-Slack-Signature": f"v0={digest}"}
