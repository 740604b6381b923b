"""Rasa's HTTP API as this assistant serves it: only the routes its users need, each request
checked before Rasa's handler sees it.

Served (README, "Security"), all behind the token but `/` and `/version`:

- `GET /`, `GET /version`: the load balancer and monitoring (the server is up);
- `GET /status`: operations (which model is loaded);
- `GET /conversations/{id}/tracker` and `…/story`: staff reading a conversation (a complaint,
  an answer rated wrong);
- `POST /model/parse`: staff checking how a message is understood, to improve the training data.

Everything else Rasa 3.6 offers answers 404: training (`/model/train`), testing
(`/model/test/*`), replacing or unloading the model (`PUT`/`DELETE /model`), and changing a
conversation from outside the channels (`tracker/events`, `execute`, `trigger_intent`,
`messages`, `predict`, `/model/predict`, `/domain`). No one here needs them: the model is
trained by `make train` and deployed by restarting the servers (a model replaced through one
server would leave the others behind the load balancer answering with the old one), and a
conversation changes only through a channel, so what is stored is what users said and were
told; a leaked token cannot retrain the bot or send messages to its users.

Rasa's handlers answer 500 to requests they do not expect (a non-object body to
`/model/parse`, read with `.get`; a conversation id PostgreSQL cannot store), look up a
conversation id still percent-encoded, and create a conversation when one that does not exist
is read. Here such requests get a 4xx that says what is wrong, the id is decoded, and reading
never writes.
"""

from __future__ import annotations

import hmac
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from rasa.server import ErrorResponse
from sanic import Sanic
from sanic.request import Request

from stores.sql import sender_id_problem

Check = Callable[[Request], Awaitable[None]]  # raises ErrorResponse for a request it refuses


def _bad_request(message: str, parameter: str, where: str) -> ErrorResponse:
    return ErrorResponse(HTTPStatus.BAD_REQUEST, "BadRequest", message, {"parameter": parameter, "in": where})


async def _nothing(_request: Request) -> None:
    return None


async def _existing_conversation(request: Request) -> None:
    agent = request.app.ctx.agent
    if agent is None or not agent.is_ready():
        return  # Rasa's handler answers 409: no model loaded
    # Sanic hands Rasa the id as the address spells it, percent-encoded: "whatsapp%3A%2B223…"
    # would name no stored conversation. Decoded here, for Rasa's handler too.
    conversation_id = urllib.parse.unquote(request.match_info.get("conversation_id", ""))
    request.match_info["conversation_id"] = conversation_id
    problem = sender_id_problem(conversation_id)
    if problem:
        raise _bad_request(f"conversation_id: {problem}", "conversation_id", "path")
    if not await agent.tracker_store.exists(conversation_id):
        raise ErrorResponse(
            HTTPStatus.NOT_FOUND, "NotFound", f"No conversation with the id {conversation_id!r}."
        )


def _json_object(request: Request, example: str) -> dict[str, Any]:
    body = request.json  # not JSON at all: Sanic answers 400 itself
    if not isinstance(body, dict):
        raise _bad_request(f"The body must be a JSON object: {example}", "", "body")
    return body


async def _message_to_parse(request: Request) -> None:
    body = _json_object(request, '{"text": "Tell me about Gao"}')
    if not isinstance(body.get("text"), str):
        raise _bad_request("'text' is required: the message to parse, a string", "text", "body")
    if not isinstance(body.get("message_id", ""), str):
        raise _bad_request("'message_id' must be a string", "message_id", "body")


@dataclass(frozen=True)
class Route:
    check: Check = _nothing
    protected: bool = True  # needs the token


SERVED = {  # Rasa's route names (`rasa.server.create_app`)
    "rasa_server.hello": Route(protected=False),
    "rasa_server.version": Route(protected=False),
    "rasa_server.status": Route(),
    "rasa_server.retrieve_tracker": Route(_existing_conversation),
    "rasa_server.retrieve_story": Route(_existing_conversation),
    "rasa_server.parse": Route(_message_to_parse),
}


def is_api(route_name: str) -> bool:
    """Rasa's API routes are the app's own; the channels' routes are in blueprints (two dots)."""
    return route_name.count(".") == 1


def guard(app: Sanic, token: str) -> None:
    """Refuse the routes not served, the token missing, and malformed requests, before Rasa."""

    async def check(request: Request) -> None:
        name = request.route.name if request.route else ""
        if not is_api(name):
            return
        route = SERVED.get(name)
        if route is None:
            raise ErrorResponse(
                HTTPStatus.NOT_FOUND,
                "NotServed",
                f"{request.method} {request.path} is not served by this assistant (README, 'Security').",
            )
        if route.protected and not hmac.compare_digest(
            request.args.get("token", "").encode(), token.encode()
        ):
            raise ErrorResponse(HTTPStatus.UNAUTHORIZED, "NotAuthenticated", "User is not authenticated.")
        await route.check(request)

    app.register_middleware(check, "request")
