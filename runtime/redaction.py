"""No secret in a log line.

Rasa's API takes its token in the address (`?token=…`), and Sanic logs the full address of a
request whose handler raised, and of every request in its access log; aiohttp's errors quote
the addresses it called (Telegram's carries the bot token). A filter on every log handler
replaces, in each record's message, exception text and request line, the values of the
secret environment variables (names ending in TOKEN, SECRET, PASSWORD or KEY) and any
`token=` query value with `[redacted]`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping

REDACTED = "[redacted]"
SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|KEY)$")
TOKEN_IN_ADDRESS = re.compile(r"(?i)(\btoken=)[^&\s'\"<>]+")
MIN_SECRET_LENGTH = 6  # shorter values ("", "0") would blank ordinary words


def secrets_in(environ: Mapping[str, str]) -> list[str]:
    """The values of the environment's secret variables, longest first."""
    values = {v for k, v in environ.items() if SECRET_NAME.search(k) and len(v) >= MIN_SECRET_LENGTH}
    return sorted(values, key=len, reverse=True)


class Redactor(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_IN_ADDRESS.sub(rf"\g<1>{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for name in ("exc_text", "stack_info", "request"):  # `request`: Sanic's access log line
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, self.redact(value))
        return True


def install(environ: Mapping[str, str] = os.environ) -> Redactor:
    """Put one redactor on every handler of every logger configured so far."""
    redactor = Redactor(secrets_in(environ))
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            for old in [f for f in handler.filters if isinstance(f, Redactor)]:
                handler.removeFilter(old)
            handler.addFilter(redactor)
    return redactor
