"""The Rasa server's calls to the action server: the endpoint's timeout is used, and action
server responses are checked exactly as strictly as Rasa checks them."""

from __future__ import annotations

from types import SimpleNamespace

import jsonschema
import pytest
import rasa.core.actions.action as rasa_actions
from rasa.utils.endpoints import EndpointConfig

from runtime import action_calls

RESPONSES = {
    "answer with slots": {
        "events": [{"event": "slot", "name": "office", "value": "gao", "timestamp": None}],
        "responses": [{"response": "utter_office_staff", "staff": 14}],
    },
    "nothing to do": {"events": [], "responses": []},
    "events not a list": {"events": {"event": "slot"}, "responses": []},
    "event without a type": {"events": [{"name": "office"}], "responses": []},
    "unknown event type": {"events": [{"event": "teleport"}], "responses": []},
    "responses not objects": {"events": [], "responses": ["utter_greet"]},
}


@pytest.fixture
def configured(monkeypatch):
    """`configure` changes Rasa's module state: restored after each test."""
    monkeypatch.setattr(rasa_actions, "DEFAULT_REQUEST_TIMEOUT", rasa_actions.DEFAULT_REQUEST_TIMEOUT)
    monkeypatch.setattr(
        rasa_actions.RemoteAction,
        "_validate_action_result",
        rasa_actions.RemoteAction._validate_action_result,
    )

    def configure(**endpoint) -> None:
        action_calls.configure(
            SimpleNamespace(action_endpoint=EndpointConfig("http://x/webhook", **endpoint))
        )

    return configure


def test_the_endpoint_timeout_bounds_calls_to_the_action_server(configured):
    configured(timeout=3)
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == 3


@pytest.mark.parametrize("timeout", [0, -1])
def test_a_timeout_that_is_not_positive_is_refused(configured, timeout):
    with pytest.raises(ValueError, match="positive"):
        configured(timeout=timeout)


@pytest.mark.parametrize("response", RESPONSES.values(), ids=RESPONSES.keys())
def test_responses_get_the_same_verdict_as_from_rasa(configured, response):
    try:
        jsonschema.validate(response, rasa_actions.RemoteAction.action_response_format_spec())
        valid = True
    except jsonschema.ValidationError:
        valid = False
    configured()
    remote = rasa_actions.RemoteAction("action_office_staff", None)
    if valid:
        assert remote._validate_action_result(response)
    else:
        with pytest.raises(jsonschema.ValidationError):
            remote._validate_action_result(response)


def test_invalid_responses_exist_in_the_cases():
    """Guards the test above against a schema that accepts everything."""
    schema = rasa_actions.RemoteAction.action_response_format_spec()
    assert not jsonschema.validators.validator_for(schema)(schema).is_valid(RESPONSES["events not a list"])
