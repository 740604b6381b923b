"""Every Rasa internal the project patches or overrides, as it was when the patch was written
(Rasa 3.6.21): an upgrade that renames one, changes its signature or stops using it fails
here, instead of silently undoing the patch.

Signatures are compared as `inspect.signature` prints them; "reads" checks that a function's
code still names the attribute the patch sets (`co_names`: the globals and attributes it uses).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
import rasa.api
import rasa.core.actions.action as rasa_actions
import rasa.core.lock_store as rasa_lock_store
import rasa.core.run as rasa_run
import rasa.core.tracker_store as rasa_tracker_store
import rasa.server
from rasa.core.agent import Agent
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from rasa.core.lock import TicketLock
from rasa.core.processor import MessageProcessor
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

from runtime import api

SIGNATURES: dict[str, tuple[Callable[..., Any], str]] = {
    # runtime/action_calls.py replaces the response check, keeping its signature.
    "RemoteAction._validate_action_result": (
        rasa_actions.RemoteAction._validate_action_result,
        "(self, result: Dict[str, Any]) -> bool",
    ),
    "RemoteAction.action_response_format_spec": (
        rasa_actions.RemoteAction.action_response_format_spec,
        "() -> Dict[str, Any]",
    ),
    # runtime/fail_safe.py sets the callback this constructor stores.
    "FailSafeTrackerStore.__init__": (
        rasa_tracker_store.FailSafeTrackerStore.__init__,
        "(self, tracker_store: 'TrackerStore', on_tracker_store_error: "
        "'Optional[Callable[[Exception], None]]' = None, fallback_tracker_store: "
        "'Optional[TrackerStore]' = None) -> 'None'",
    ),
    # runtime/__main__.py hands the run-time setup to Rasa as `server_listeners`.
    "rasa.api.run": (
        rasa.api.run,
        "(model: 'Text', endpoints: 'Text', connector: 'Text' = None, credentials: 'Text' = None, "
        "**kwargs: 'Dict[Text, Any]') -> None",
    ),
    # runtime/api.py raises Rasa's error, answered by Rasa's handler.
    "ErrorResponse.__init__": (
        rasa.server.ErrorResponse.__init__,
        "(self, status: Union[int, http.HTTPStatus], reason: str, message: str, details: Any = None, "
        "help_url: Optional[str] = None) -> None",
    ),
    # stores/sql.py overrides and calls these.
    "SQLTrackerStore._additional_events": (
        rasa_tracker_store.SQLTrackerStore._additional_events,
        "(self, session: \"'Session'\", tracker: 'DialogueStateTracker') -> 'Iterator'",
    ),
    "SQLTrackerStore._event_query": (
        rasa_tracker_store.SQLTrackerStore._event_query,
        "(self, session: \"'Session'\", sender_id: 'Text', fetch_events_from_all_sessions: 'bool') "
        "-> \"'Query'\"",
    ),
    "SQLTrackerStore.session_scope": (
        rasa_tracker_store.SQLTrackerStore.session_scope,
        "(self) -> \"Generator['Session', None, None]\"",
    ),
    "create_engine_kwargs": (
        rasa_tracker_store.create_engine_kwargs,
        "(url: \"Union[Text, 'URL']\") -> 'Dict[Text, Any]'",
    ),
    # stores/redis.py overrides the wait for a lock.
    "RedisLockStore._acquire_lock": (
        rasa_lock_store.RedisLockStore._acquire_lock,
        "(self, conversation_id: 'Text', ticket: 'int', wait_time_in_seconds: 'float') -> 'TicketLock'",
    ),
    # runtime/admission.py wraps these two on the agent's processor; runtime/turns.py calls the others.
    "MessageProcessor.handle_message": (
        MessageProcessor.handle_message,
        "(self, message: rasa.core.channels.channel.UserMessage) -> Optional[List[Dict[str, Any]]]",
    ),
    "MessageProcessor._run_prediction_loop": (
        MessageProcessor._run_prediction_loop,
        "(self, output_channel: rasa.core.channels.channel.OutputChannel, "
        "tracker: rasa.shared.core.trackers.DialogueStateTracker) -> None",
    ),
    "MessageProcessor.fetch_tracker_and_update_session": (
        MessageProcessor.fetch_tracker_and_update_session,
        "(self, sender_id: str, output_channel: Optional[rasa.core.channels.channel.OutputChannel] = None, "
        "metadata: Optional[Dict] = None) -> rasa.shared.core.trackers.DialogueStateTracker",
    ),
    "MessageProcessor.parse_message": (
        MessageProcessor.parse_message,
        "(self, message: rasa.core.channels.channel.UserMessage, "
        "tracker: Optional[rasa.shared.core.trackers.DialogueStateTracker] = None, "
        "only_output_properties: bool = True) -> Dict[str, Any]",
    ),
    "create_bot_utterance": (
        rasa_actions.create_bot_utterance,
        "(message: Dict[str, Any]) -> rasa.shared.core.events.BotUttered",
    ),
    # runtime/in_process_actions.py overrides the endpoint's request and calls rasa_sdk's executor.
    "EndpointConfig.request": (
        EndpointConfig.request,
        "(self, method: str = 'post', subpath: Optional[str] = None, content_type: Optional[str] = "
        "'application/json', compress: bool = False, **kwargs: Any) -> Optional[Any]",
    ),
    "ActionExecutor.run": (
        ActionExecutor.run,
        "(self, action_call: 'ActionCall') -> Optional[Dict[str, Any]]",
    ),
    "ActionExecutor.register_package": (
        ActionExecutor.register_package,
        "(self, package: Union[str, module]) -> None",
    ),
    # channels/rest.py overrides how the sender and the text are read.
    "RestInput._extract_sender": (
        RestInput._extract_sender,
        "(self, req: sanic.request.Request) -> Optional[str]",
    ),
    "RestInput._extract_message": (
        RestInput._extract_message,
        "(self, req: sanic.request.Request) -> Optional[str]",
    ),
    # channels/socketio.py builds on Rasa's blueprint and output channel.
    "SocketIOInput.blueprint": (
        SocketIOInput.blueprint,
        "(self, on_new_message: Callable[[rasa.core.channels.channel.UserMessage], Awaitable[Any]]) "
        "-> sanic.blueprints.Blueprint",
    ),
}

READS: dict[str, tuple[Callable[..., Any], str]] = {
    # The timeout runtime/action_calls.py sets is read at each call, as is the check it replaces.
    "RemoteAction.run reads DEFAULT_REQUEST_TIMEOUT": (
        rasa_actions.RemoteAction.run,
        "DEFAULT_REQUEST_TIMEOUT",
    ),
    "RemoteAction.run calls _validate_action_result": (
        rasa_actions.RemoteAction.run,
        "_validate_action_result",
    ),
    # The callback runtime/fail_safe.py sets is the one the store calls on an error.
    "FailSafeTrackerStore.__init__ stores the callback": (
        rasa_tracker_store.FailSafeTrackerStore.__init__,
        "_on_tracker_store_error",
    ),
    "a failed save calls it": (
        rasa_tracker_store.FailSafeTrackerStore.on_tracker_store_error,
        "_on_tracker_store_error",
    ),
    "a failed read calls it": (
        rasa_tracker_store.FailSafeTrackerStore.on_tracker_store_retrieve_error,
        "_on_tracker_store_error",
    ),
    "FailSafeTrackerStore.save calls on_tracker_store_error": (
        rasa_tracker_store.FailSafeTrackerStore.save,
        "on_tracker_store_error",
    ),
    "FailSafeTrackerStore.retrieve calls on_tracker_store_retrieve_error": (
        rasa_tracker_store.FailSafeTrackerStore.retrieve,
        "on_tracker_store_retrieve_error",
    ),
    # `server_listeners` reach the app: rasa.api.run passes them on, configure_app registers them.
    "rasa.api.run passes its keyword arguments to serve_application": (rasa.api.run, "serve_application"),
    "configure_app registers the listeners": (rasa_run.configure_app, "register_listener"),
    # stores/sql.py counts on save() going through _additional_events.
    "SQLTrackerStore.save calls _additional_events": (
        rasa_tracker_store.SQLTrackerStore.save,
        "_additional_events",
    ),
    # runtime/admission.py: the agent hands each message to its processor's handle_message under
    # the conversation's lock, which runs the prediction loop (wrapped) before saving the tracker.
    "Agent.handle_message takes the conversation's lock": (Agent.handle_message, "lock"),
    "Agent.handle_message calls the processor's handle_message": (Agent.handle_message, "handle_message"),
    "MessageProcessor.handle_message runs the prediction loop": (
        MessageProcessor.handle_message,
        "_run_prediction_loop",
    ),
    "MessageProcessor.handle_message saves the tracker": (MessageProcessor.handle_message, "save_tracker"),
    # runtime/in_process_actions.py: each remote action goes through its endpoint's request, and
    # the processor builds its actions with the endpoint it holds.
    "RemoteAction.run calls the endpoint's request": (rasa_actions.RemoteAction.run, "request"),
    "the processor's actions use its action_endpoint": (
        MessageProcessor.predict_next_with_tracker_if_should,
        "action_endpoint",
    ),
    # runtime/api.py decodes the conversation id in the request's match_info, which Sanic then
    # passes to Rasa's handler.
    "Sanic hands the handler the match_info": (Sanic.handle_request, "match_info"),
}


@pytest.mark.parametrize("name", SIGNATURES)
def test_the_signature_is_the_one_the_patch_was_written_for(name: str) -> None:
    function, expected = SIGNATURES[name]
    assert str(inspect.signature(function)) == expected, f"{name} changed: check the patch that uses it"


@pytest.mark.parametrize("name", READS)
def test_the_patched_attribute_is_still_used(name: str) -> None:
    function, attribute = READS[name]
    assert attribute in function.__code__.co_names, name


def test_the_attributes_the_patches_set_exist() -> None:
    assert isinstance(rasa_actions.DEFAULT_REQUEST_TIMEOUT, int | float)
    assert isinstance(
        inspect.getattr_static(rasa_actions.RemoteAction, "action_response_format_spec"), staticmethod
    )
    assert isinstance(rasa_lock_store.LOCK_LIFETIME, int | float) and rasa_lock_store.LockError
    assert {"tickets", "remove_expired_tickets", "is_locked"} <= {
        *vars(TicketLock),
        *TicketLock.__init__.__code__.co_names,
    }
    assert {"get_lock", "save_lock"} <= set(dir(rasa_lock_store.RedisLockStore))
    parameters = inspect.signature(rasa_run.serve_application).parameters
    assert {"server_listeners", "auth_token", "interface"} <= set(parameters)
    assert "sio" in SocketIOInput.__init__.__code__.co_names


def test_the_api_guard_knows_every_route_rasa_serves() -> None:
    """runtime/api.py serves routes by Rasa's names and tells the API's routes from the
    channels' by the dots in them: a route renamed or added by Rasa shows up here."""
    test_mode, Sanic.test_mode = Sanic.test_mode, True  # allows another "rasa_server" app here
    try:
        app = rasa.server.create_app(auth_token="token")
    finally:
        Sanic.test_mode = test_mode
    names = {route.name for route in app.router.routes}
    assert set(api.SERVED) <= names
    assert all(api.is_api(name) for name in names)
    assert names - set(api.SERVED) == {
        "rasa_server.train",
        "rasa_server.evaluate_stories",
        "rasa_server.evaluate_intents",
        "rasa_server.tracker_predict",
        "rasa_server.unload_model",
        "rasa_server.load_model",
        "rasa_server.get_domain",
        "rasa_server.replace_events",
        "rasa_server.append_events",
        "rasa_server.execute_action",
        "rasa_server.trigger_intent",
        "rasa_server.predict",
        "rasa_server.add_message",
    }
