"""`bin/ask`: one answer from the assistant, for staff in a terminal or a script.

The running assistant is asked over its REST webhook when one answers (`remote`): the whole
call then takes a Python start and a round trip. Otherwise the model and the actions run in
this process (`local`), which takes as long to load as a server. Either way the conversation
of `session` goes on, so "And Kayes?" follows the question asked by the call before.
This package, `remote` and `session` import only the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The input channel stored with each message. actions.conversation.NO_BUTTONS lists it: the
# "helpful?" buttons, which cannot be clicked in a terminal, are never offered here.
CHANNEL = "ask"


@dataclass(frozen=True)
class Asked:
    """One question, the bot's messages as Rasa's REST channel returns them, the time it took."""

    question: str
    messages: list[dict[str, Any]]
    seconds: float
