"""`python -m runtime run|shell [rasa's options]`: Rasa's own `rasa run` / `rasa shell`, as
this project runs them.

- The run-time setup (`runtime.server`) is given to Rasa's `serve_application` as its
  `server_listeners`: it applies whichever channels credentials.yml enables.
- The API token comes from RASA_AUTH_TOKEN, never from the command line, where `ps` shows
  it to every user of the machine: `--auth-token` is refused, and `--enable-api` without a
  token too (the API is never open).
- The server listens on loopback unless RASA_HOST (or `--interface`) says otherwise.
"""

from __future__ import annotations

import os
import sys

from project import LOOPBACK, RASA_HOST

COMMANDS = ("run", "shell")
TOKEN_VARIABLE = "RASA_AUTH_TOKEN"


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        raise SystemExit(f"usage: python -m runtime {{{','.join(COMMANDS)}}} [rasa's options]")
    import rasa.telemetry
    import rasa.utils.io
    from rasa.__main__ import create_argument_parser
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from runtime import server

    parser = create_argument_parser()
    command, options = argv[0], argv[1:]
    args = parser.parse_args([command, "--interface", os.environ.get(RASA_HOST, LOOPBACK), *options])
    if args.auth_token:
        parser.error(f"--auth-token shows the token to every user of the machine: set {TOKEN_VARIABLE}")
    token = os.environ.get(TOKEN_VARIABLE, "").strip() or None
    if getattr(args, "enable_api", False) and not token:
        parser.error(f"--enable-api needs a token in {TOKEN_VARIABLE}: the HTTP API is never open")
    args.auth_token = token if getattr(args, "enable_api", False) else None
    args.server_listeners = server.listeners(args.auth_token)

    # As `rasa.__main__.main` does before running a command.
    configure_logging_and_warnings(
        args.loglevel, args.logging_config_file, warn_only_once=True, filter_repeated_logs=True
    )
    rasa.utils.io.configure_colored_logging(args.loglevel)
    rasa.telemetry.initialize_telemetry()
    configure_structlog(args.loglevel)
    sys.path.insert(1, os.getcwd())
    args.func(args)


if __name__ == "__main__":
    main()
