"""The agent as this project runs it, whichever channels are on.

Rasa calls the action server (or the actions in this process, with `actions_module`:
`runtime.in_process_actions`) with the endpoint's timeout and a response schema checked once
(`runtime.action_calls`), a tracker store error is never hidden by a fallback to memory
(`runtime.fail_safe`), a few messages are handled at a time and every turn that could not be
answered leaves its reply stored and the context as it was (`runtime.admission`), and the
first prediction is made before the first user comes (`warm_up`). Applied by `runtime.server`
once the Rasa server has loaded its agent, and by `bin/ask` to its in-process agent. Idempotent.
"""

from __future__ import annotations

from rasa.core.agent import Agent

from runtime import action_calls, admission, fail_safe, in_process_actions

# Questions in both languages: everything a first question needs is loaded (the model's graph,
# the language detector's models).
WARM_UP_TEXTS = ("Which offices work on nutrition?", "Quels bureaux travaillent sur la santé ?")
_WARMED_UP = "_warmed_up_by_runtime"


def configure(agent: Agent) -> None:
    in_process_actions.use(agent)
    action_calls.configure(agent)
    fail_safe.refuse_fallback(agent)
    admission.admit(agent)


async def warm_up(agent: Agent) -> None:
    """Parse two questions, which stores nothing: the first parse builds TensorFlow's graph and
    loads lingua's language models (2.5 s measured here, more on a busy machine), which the
    first visitor's welcome would wait for. The readiness check answers once this is done
    (the same event loop)."""
    if agent.is_ready() and not getattr(agent, _WARMED_UP, False):
        setattr(agent, _WARMED_UP, True)
        for text in WARM_UP_TEXTS:
            await agent.parse_message(text)
