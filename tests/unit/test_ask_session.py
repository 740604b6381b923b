"""bin/ask's conversation between calls, and where it asks: no server, no model."""

from __future__ import annotations

import json
import stat

import pytest

from actions.conversation import NO_BUTTONS
from tools.ask import CHANNEL
from tools.ask.remote import Unavailable, address, check_ready
from tools.ask.session import FOLLOW_UP, PREFIX, conversation, keep, state_file
from tools.chat import SERVER

NOW = 1_800_000_000.0


def test_a_call_soon_after_the_last_one_goes_on_with_its_conversation(tmp_path):
    path = tmp_path / "ask.json"
    first = conversation(path, NOW)
    keep(path, first, NOW)
    assert conversation(path, NOW + FOLLOW_UP - 1) == first
    assert first.startswith(PREFIX)


def test_a_call_long_after_or_with_new_starts_another_conversation(tmp_path):
    path = tmp_path / "ask.json"
    first = conversation(path, NOW)
    keep(path, first, NOW)
    assert conversation(path, NOW + FOLLOW_UP + 1) != first
    assert conversation(path, NOW + 1, new=True) != first


def test_each_answer_keeps_the_conversation_going(tmp_path):
    path = tmp_path / "ask.json"
    sender = conversation(path, NOW)
    for minutes in range(0, 60, 5):  # a question every five minutes for an hour
        keep(path, sender, NOW + minutes * 60)
    assert conversation(path, NOW + 60 * 60) == sender


def test_a_missing_or_damaged_file_starts_a_new_conversation(tmp_path):
    path = tmp_path / "ask.json"
    assert conversation(path, NOW).startswith(PREFIX)
    for damaged in ("{", "[]", json.dumps({"sender": "someone-else", "asked_at": NOW})):
        path.write_text(damaged)
        assert conversation(path, NOW).startswith(PREFIX)
        assert conversation(path, NOW) != "someone-else"


def test_the_file_is_its_owners_only_under_the_xdg_state_directory(tmp_path):
    path = state_file({"XDG_STATE_HOME": str(tmp_path)})
    assert path.parent.parent == tmp_path
    keep(path, conversation(path, NOW), NOW)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_relative_xdg_state_directory_is_ignored_as_the_spec_says(tmp_path):
    assert ".local/state" in str(state_file({"XDG_STATE_HOME": "relative/dir"}))


def test_the_assistant_asked_is_make_serves_unless_assistant_url_says_otherwise():
    assert address({}) == SERVER
    assert address({"ASSISTANT_URL": " http://10.0.0.5:5005/ "}) == "http://10.0.0.5:5005"


def test_no_assistant_at_the_address_is_told_as_a_reason():
    with pytest.raises(Unavailable, match="nothing answers there"):
        check_ready("http://127.0.0.1:9")  # the discard port


def test_the_command_lines_channel_gets_no_helpful_buttons():
    assert CHANNEL in NO_BUTTONS
