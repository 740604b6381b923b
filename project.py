"""Where the project's files are, which profiles and languages it has: defined once, here.

The Rasa server, the action server, the tools and the tests all import these names, so a
path, a profile or a language is never spelt twice. Pure: no Rasa, no project package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parent
MODEL = ROOT / "models" / "assistant.tar.gz"
CREDENTIALS = ROOT / "credentials.yml"
CONFIG = ROOT / "config.yml"
# A profile is an endpoints file: where conversations are kept and how actions are reached.
PROFILES = {"default": ROOT / "endpoints.yml", "production": ROOT / "endpoints.production.yml"}

Language = Literal["en", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "fr")
# A conversation's language before anything sets it; the domain's unconditioned variants are French.
DEFAULT_LANGUAGE: Language = "fr"

# The interface the servers listen on unless told otherwise (README, "Production profile").
LOOPBACK = "127.0.0.1"
RASA_HOST, ACTIONS_HOST = "RASA_HOST", "ACTIONS_HOST"  # environment variables that change it
# The origins whose pages may use the socket.io channel (channels/socketio.py; tools/serve.py sets it).
WEBCHAT_ORIGINS = "WEBCHAT_ORIGINS"
