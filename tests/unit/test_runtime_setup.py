"""The run-time setup's own rules: no secret in a log record, no token on the command line,
no open API."""

from __future__ import annotations

import logging
import sys

import pytest

from runtime import redaction
from runtime.__main__ import main

TOKEN = "0123456789abcdef-api-token"
ENVIRON = {
    "RASA_AUTH_TOKEN": TOKEN,
    "POSTGRES_PASSWORD": "pg-pass-42",
    "TELEGRAM_ACCESS_TOKEN": "123:bot-secret",
}


def formatted(record: logging.LogRecord) -> str:
    redaction.Redactor(redaction.secrets_in(ENVIRON)).filter(record)
    return logging.Formatter("%(message)s %(request)s").format(record)


def record(message: str, *args, exc_info=None, request: str = "") -> logging.LogRecord:
    made = logging.LogRecord("sanic.error", logging.ERROR, __file__, 1, message, args, exc_info)
    made.request = request
    return made


def test_a_token_in_an_address_is_redacted_wherever_it_is() -> None:
    """As Sanic logs a failed request and its access line; a wrong token is blanked too."""
    shown = formatted(
        record(
            "Exception occurred while handling uri: %s",
            f"'http://h/status?token={TOKEN}&x=1'",
            request="GET http://h/status?token=guess",
        )
    )
    assert TOKEN not in shown and "guess" not in shown
    assert "?token=[redacted]&x=1" in shown and "GET http://h/status?token=[redacted]" in shown


def test_secret_values_from_the_environment_are_redacted_in_messages_and_tracebacks() -> None:
    try:
        raise ConnectionError("https://api.telegram.org/bot123:bot-secret/sendMessage failed, pg-pass-42")
    except ConnectionError:
        failed = record("send failed", exc_info=sys.exc_info())
    shown = formatted(failed)
    assert "bot-secret" not in shown and "pg-pass-42" not in shown and "[redacted]" in shown
    assert "ConnectionError" in shown  # the traceback is kept, only the secrets go


def test_only_secret_variables_count() -> None:
    found = redaction.secrets_in({**ENVIRON, "POSTGRES_HOST": "127.0.0.1", "REDIS_PASSWORD": ""})
    assert set(found) == set(ENVIRON.values())


def test_install_puts_the_filter_on_every_handler() -> None:
    handler = logging.StreamHandler()
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        redaction.install(ENVIRON)
        redaction.install(ENVIRON)  # once per handler, however often it is installed
        assert sum(isinstance(f, redaction.Redactor) for f in handler.filters) == 1
    finally:
        logger.removeHandler(handler)


@pytest.mark.parametrize(
    "argv, environ, refused",
    [
        (["run", "--enable-api", "--auth-token", TOKEN], {"RASA_AUTH_TOKEN": TOKEN}, "--auth-token"),
        (["run", "--enable-api"], {}, "RASA_AUTH_TOKEN"),
        (["train"], {}, "usage"),
    ],
)
def test_the_launcher_refuses_a_token_argument_and_an_open_api(
    argv, environ, refused, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert refused in f"{stopped.value} {capsys.readouterr().err}"
