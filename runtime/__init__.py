"""The Rasa server as this project runs it: everything set up at run time, in one place.

`python -m runtime run …` (what `tools.serve` and the tests start) is Rasa's own `rasa run`
with this setup registered through Rasa's `server_listeners`, so it applies whichever channels
credentials.yml enables, and with none:

- `agent_setup`: calls to the action server bounded by the endpoint's timeout, with the
  response schema checked once (`action_calls`); no silent fallback to memory (`fail_safe`);
  a few messages handled at a time, the rest told to send again after a bounded wait
  (`admission`), and every turn that could not be answered stored with its reply and
  reverted, so the context is the last answered question's (`turns`);
- `api`: the HTTP API serves only the routes this assistant's users need, each request
  checked before Rasa's handler sees it;
- `redaction`: no secret (the API token, passwords, channel tokens) in any log line;
- `server`: the Sanic listeners that apply the above; `__main__`: the launcher (the token
  from the environment, never the command line; loopback unless told otherwise).

Every Rasa internal these modules touch is guarded by `tests/unit/test_rasa_internals.py`.
"""
