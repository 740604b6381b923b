"""How the Rasa server calls the action server: a bounded wait, and a response schema that is
checked once rather than at every call.

- Rasa 3.6 passes its DEFAULT_REQUEST_TIMEOUT, 300 s, to every call to the action server and
  ignores the action endpoint's `timeout:`: a hung action server keeps the user waiting five
  minutes, and that sender's next message waits behind it. `configure` sets that constant,
  where `RemoteAction` reads it, from the endpoint's `timeout`; the failed action then gets
  `utter_action_failed` (`channels.apology`).
- Rasa validates each action server response with `jsonschema.validate`, which first checks
  the schema itself against the JSON Schema meta-schema, for a schema that never changes: the
  largest single cost of a message (docs/performance.md). A validator built once checks the
  responses just as strictly.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import jsonschema
import rasa.core.actions.action as rasa_actions
from rasa.core.agent import Agent

logger = logging.getLogger(__name__)


def configure(agent: Agent) -> None:
    """Apply the action endpoint's timeout and the once-checked response schema."""
    endpoint = agent.action_endpoint
    timeout = (endpoint.kwargs if endpoint else {}).get("timeout")
    if timeout is not None:
        seconds = float(timeout)
        if seconds <= 0:
            raise ValueError(f"action_endpoint timeout must be a positive number of seconds, not {timeout!r}")
        rasa_actions.DEFAULT_REQUEST_TIMEOUT = seconds
        logger.info("calls to the action server time out after %s s", seconds)
    rasa_actions.RemoteAction._validate_action_result = _validate_action_result


@functools.cache
def _response_validator() -> jsonschema.protocols.Validator:
    schema = rasa_actions.RemoteAction.action_response_format_spec()
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema)


def _validate_action_result(self: rasa_actions.RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check of an action server response (same schema, same error), schema checked once."""
    try:
        _response_validator().validate(result)
    except jsonschema.ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid."
        )
        raise
    return True
