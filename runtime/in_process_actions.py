"""The actions in the Rasa server's own process, for a profile where one machine serves:
`actions_module: actions` under `action_endpoint`, as later Rasa releases (3.10 and on) offer.

Rasa 3.6 calls every action over HTTP, on the action server: under a burst on one machine,
each call is serialised, sent, parsed by the action server's own event loop (a process of
its own, competing for the same cores), and answered back, and a call waiting for either
event loop can outlive the endpoint's timeout (docs/performance.md, "Under a burst"). Here
the endpoint hands each call to rasa_sdk's executor, the code the action server runs behind
its HTTP route, in this process: the same actions, the same call and response format
(checked by Rasa as before), without the hop. The dataset is validated when the server
starts, as `actions.server` does. Where several machines serve, keep the action server (its
`url`) and leave `actions_module` out: it scales on its own.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.agent import Agent
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor

logger = logging.getLogger(__name__)

MODULE_KEY = "actions_module"


class InProcessActions(EndpointConfig):
    """An action endpoint whose requests run rasa_sdk's executor on the module's actions."""

    def __init__(self, module: str, **kwargs: Any) -> None:
        super().__init__(url=f"in-process:{module}", **kwargs)
        self.module = module
        self.executor = ActionExecutor()
        self.executor.register_package(module)

    async def request(
        self,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        """As Rasa's RemoteAction calls it (`json=` the action call); returns the response."""
        return await self.executor.run(kwargs["json"])


def use(agent: Agent) -> None:
    """Run the agent's actions in this process if its endpoint names `actions_module`."""
    endpoint = agent.action_endpoint
    module = (endpoint.kwargs if endpoint else {}).get(MODULE_KEY)
    if not module or isinstance(endpoint, InProcessActions):
        return
    from actions.dataset import get_dataset  # validated now: a broken dataset stops the start

    get_dataset()
    actions = InProcessActions(str(module), **{k: v for k, v in endpoint.kwargs.items() if k != MODULE_KEY})
    agent.action_endpoint = actions
    if agent.processor is not None:
        agent.processor.action_endpoint = actions
    logger.info("actions run in this process, from the %r module", actions.module)
