"""A messaging channel's credentials, read from the environment at start.

Rasa's own `${VAR}` substitution in credentials.yml stops the server when a variable is unset,
so a Telegram section would make every deployment set Telegram's variables. Here a channel's
section names, under `from_environment`, the variable each credential comes from, and the
channel is on only when its required variables are set. Pure (no Rasa import).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

FROM_ENVIRONMENT = "from_environment"


def resolve(
    credentials: Mapping[str, Any] | None, optional: Collection[str], environ: Mapping[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """The credentials with values from the environment, and the required variables that are unset.

    Plain values in the section are kept as they are; an `optional` credential whose variable is
    unset is left out (the channel's default applies), and an empty variable counts as unset.
    """
    section = dict(credentials or {})
    names = section.pop(FROM_ENVIRONMENT, None) or {}
    missing = []
    for key, variable in names.items():
        value = environ.get(variable, "").strip()
        if value:
            section[key] = value
        elif key not in optional:
            missing.append(variable)
    return section, missing
