"""Insights report, privacy: masking personal data in messages, pseudonymising sender ids."""

from __future__ import annotations

import pytest

from tools.insights.privacy import KEY_VARIABLE, Pseudonymiser, mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on +223 76 12 34 56 please", "call me on [phone] please"),
        ("mon numéro : 0612345678", "mon numéro : [phone]"),
        ("(+223) 76-12-34-56", "[phone]"),
        ("76.12.34.56 ou 0033 6 12 34 56 78", "[phone] ou [phone]"),
        ("write to amadou.traore+unicef@example.org.", "write to [email]."),
        ("A.Diallo@mail.co.ml et b_k@x.fr", "[email] et [email]"),
        ("my id is 123456", "my id is [number]"),
        ("card 4111111111111111", "card [phone]"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Which offices opened in 2013?",
        "Bureaux ouverts en 2013 et 2014 ?",
        "How many staff in Gao? 14?",
        "Tell me about Mopti",
        "12345",  # five digits: a staff count or a postcode, not personal
    ],
)
def test_questions_are_kept(text: str) -> None:
    assert mask(text) == text


def test_pseudonyms_are_stable_and_do_not_show_the_id() -> None:
    pseudonym = Pseudonymiser(b"k" * 32)
    first = pseudonym("+22376123456")
    assert first == pseudonym("+22376123456")
    assert first != pseudonym("+22376123457")
    assert "22376123456" not in first
    assert first.startswith("user-")


def test_pseudonyms_depend_on_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_VARIABLE, "staff-key")
    assert Pseudonymiser()("someone") == Pseudonymiser()("someone")  # same key: linkable reports
    assert Pseudonymiser()("someone") != Pseudonymiser(b"other")("someone")
    monkeypatch.delenv(KEY_VARIABLE)
    assert Pseudonymiser()("someone") != Pseudonymiser()("someone")  # random key per report


def test_a_huge_stored_message_is_shown_cut_in_bounded_time():
    """A refused message is stored whole: 200,000 characters once took the report minutes."""
    import time

    from tools.insights.aggregate import TEXT_LIMIT, shown

    started = time.monotonic()
    text = shown("a" * 200_000 + " mail me at someone@example.org")
    assert time.monotonic() - started < 1.0
    assert len(text) == TEXT_LIMIT + 1 and text.endswith("…")
