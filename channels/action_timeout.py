"""The action endpoint's `timeout:` (seconds in endpoints.yml), which Rasa 3.6 ignores.

Rasa 3.6 passes its DEFAULT_REQUEST_TIMEOUT, 300 s, to every call to the action server: a hung
action server keeps the user waiting five minutes, and that sender's next message waits
behind it. Setting that constant where `RemoteAction` reads it, from the endpoint's
`timeout`, bounds the wait; the failed action then gets `utter_action_failed`
(`channels.apology`).
"""

from __future__ import annotations

import logging

import rasa.core.actions.action as rasa_actions
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)


def apply(endpoint: EndpointConfig | None) -> float:
    """Use the endpoint's `timeout` for calls to the action server; return the timeout in use."""
    timeout = (endpoint.kwargs if endpoint else {}).get("timeout")
    if timeout is not None:
        seconds = float(timeout)
        if seconds <= 0:
            raise ValueError(f"action_endpoint timeout must be a positive number of seconds, not {timeout!r}")
        rasa_actions.DEFAULT_REQUEST_TIMEOUT = seconds
        logger.info("calls to the action server time out after %s s", seconds)
    return rasa_actions.DEFAULT_REQUEST_TIMEOUT
