"""The reply language follows the message; short or neutral messages keep the current one."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.language import LanguageIdentifier, Lexicon, language_hint
from components.language_detector import LanguageDetector
from components.message_guard import MessageGuard


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Which offices work on child marriage?", "en"),
        ("Quels bureaux travaillent sur l'excision ?", "fr"),
        ("How many staff does it have?", "en"),
        ("Combien de personnes travaillent là-bas ?", "fr"),
        ("quels bureaux travaillent sur le mariage precoce", "fr"),
        ("Bonjour", "fr"),
        ("thanks", "en"),
        ("au revoir", "fr"),
        ("What about FGM?", "en"),
        ("parle moi de gao", "fr"),
    ],
)
def test_a_plain_message_is_recognised(identifier, text, expected):
    assert identifier.identify(text).supported == expected


@pytest.mark.parametrize("text", ["Gao ?", "2013", "ok?", "🙂🙂", "", "Kidal"])
def test_a_neutral_message_decides_nothing(identifier, text):
    spans = [(0, len(text))] if text in ("Gao ?", "Kidal") else []
    verdict = identifier.identify(text, spans)
    assert verdict.supported is None and verdict.other is None


def test_names_do_not_decide_the_language(identifier):
    text = "Tell me about Tombouctou"
    start = text.index("Tombouctou")
    assert identifier.identify(text, [(start, len(text))]).supported == "en"


def test_another_language_is_noticed(identifier):
    verdict = identifier.identify("¿Qué oficinas trabajan en el matrimonio infantil?")
    assert verdict.supported is None and verdict.other == "es"


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"language": "fr"}, "fr"),
        ({"language": "en-GB"}, "en"),
        ({"language": "es"}, None),
        ({"language": 3}, None),
        (None, None),
        ("fr", None),
    ],
)
def test_the_channel_hint_is_read_from_metadata(metadata, expected):
    assert language_hint(metadata) == expected


def _detect(text, intent="ask_office_staff", entities=(), metadata=None) -> Message:
    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": list(entities),
            "metadata": metadata or {},
        }
    )
    return LanguageDetector(LanguageDetector.get_default_config()).process([message])[0]


def _language_entities(message: Message):
    return [e["value"] for e in message.get("entities") if e["entity"] == "language"]


def test_detector_emits_the_language_entity():
    assert _language_entities(_detect("How many staff work there?")) == ["en"]


def test_detector_uses_the_hint_when_the_message_is_neutral():
    assert _language_entities(_detect("2013", metadata={"language": "en"})) == ["en"]
    assert _language_entities(_detect("2013")) == []


def test_an_explicit_request_beats_the_message_language():
    requested = {"entity": "language", "value": "fr", "start": 3, "end": 9}
    message = _detect("in French please", intent="request_language", entities=[requested])
    assert _language_entities(message) == ["fr"]


def test_a_language_word_outside_a_request_does_not_switch():
    stray = {"entity": "language", "value": "fr", "start": 0, "end": 2}
    message = _detect(
        "Which offices work on child labour?", intent="ask_offices_working_on", entities=[stray]
    )
    assert _language_entities(message) == ["en"]


def test_another_language_goes_to_the_fallback_and_keeps_the_current_language():
    message = _detect("¿Qué oficinas trabajan en el matrimonio infantil?")
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("foreign_language") == "es"
    assert _language_entities(message) == []


@pytest.mark.parametrize(
    "text, reason", [("", "empty"), ("   ", "empty"), ("🙂🙂🙂", "no_words"), ("x" * 2001, "too_long")]
)
def test_the_guard_empties_blank_and_oversized_messages(text, reason):
    guard = MessageGuard(MessageGuard.get_default_config())
    message = guard.process([Message(data={"text": text})])[0]
    assert message.get("text") == ""
    assert message.get("refused") == {"reason": reason, "limit": 2000}
    assert _detect_after_guard(message).get("intent")["name"] == "nlu_fallback"


def _detect_after_guard(message: Message) -> Message:
    return LanguageDetector(LanguageDetector.get_default_config()).process([message])[0]


@pytest.mark.parametrize("text", ["👍", "👎🏽", "👍👍"])
def test_the_guard_lets_the_rating_symbols_through(text):
    guard = MessageGuard({**MessageGuard.get_default_config(), "symbols": ["👍", "👎"]})
    message = guard.process([Message(data={"text": text})])[0]
    assert message.get("text") == text and message.get("refused") is None


def test_the_guard_lets_normal_messages_through():
    guard = MessageGuard(MessageGuard.get_default_config())
    message = guard.process([Message(data={"text": "Tell me about Gao"})])[0]
    assert message.get("text") == "Tell me about Gao" and message.get("refused") is None


def test_names_shared_by_both_languages_are_ignored():
    identifier = LanguageIdentifier(neutral_words=["UNICEF", "Mali"])
    assert identifier.identify("List all UNICEF offices in Mali").supported == "en"


@pytest.fixture(scope="module")
def lexicon(identifier) -> Lexicon:
    """Learnt from the real training data, as `rasa train` does."""
    from rasa.shared.nlu.training_data.loading import load_data

    from components.language_detector import _name_spans

    examples = load_data("data/nlu.yml").intent_examples
    pairs = [(m.get("text"), _name_spans(m.get("entities") or [])) for m in examples]
    return Lexicon.learn(pairs, identifier)


def test_a_lexicon_keeps_only_words_one_language_uses(identifier):
    examples = [
        ("Which offices work on nutrition and child protection?", []),
        ("How many offices does UNICEF have in Mali?", []),
        ("Quels bureaux travaillent sur la nutrition et la protection de l'enfant ?", []),
        ("Combien de bureaux l'UNICEF a-t-il au Mali ?", []),
        ("Tell me about Tombouctou, please", [(14, 24)]),
        ("Parle-moi de Tombouctou, s'il te plaît", [(13, 23)]),
    ]
    words = Lexicon.learn(examples, identifier).words
    assert words["offices"] == "en" and words["bureaux"] == "fr"
    assert "nutrition" not in words and "protection" not in words  # both languages use them
    assert "tombouctou" not in words  # names are masked
    assert "please" not in words  # seen once: not enough


@pytest.mark.parametrize(
    "words, expected",
    [(["offices"], "en"), (["staff"], "en"), (["bureaux"], "fr"), (["combien"], "fr"), (["nutrition"], None)],
)
def test_the_lexicon_learnt_from_the_training_data_marks_each_language(lexicon, words, expected):
    assert lexicon.vote(words) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("nutrition offices?", "en"), ("bureaux nutrition ?", "fr"), ("education offices", "en")],
)
def test_the_lexicon_decides_where_the_detector_hesitates(identifier, lexicon, text, expected):
    assert identifier.identify(text).supported is None or identifier.identify(text).supported == expected
    assert identifier.identify(text, lexicon=lexicon).supported == expected


@pytest.mark.parametrize("text", ["Gao ?", "2013", "ok?", "Kidal"])
def test_the_lexicon_leaves_neutral_messages_neutral(identifier, lexicon, text):
    spans = [(0, len(text))] if text in ("Gao ?", "Kidal") else []
    assert identifier.identify(text, spans, lexicon).supported is None
