"""The lean spaCy loader gives the pipeline the same tokens, lemmas and vectors as Rasa's."""

from __future__ import annotations

import numpy as np
from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP

from components.spacy_nlp import SpacyNLP

TEXTS = ["Quels bureaux travaillent sur l'excision ?", "How many staff does the Gao office have?"]


def test_features_are_those_of_rasas_loader_without_the_ner():
    lean = SpacyNLP.load_model("fr_core_news_sm").model
    rasa = RasaSpacyNLP.load_model("fr_core_news_sm").model
    assert "ner" in rasa.pipe_names and "ner" not in lean.pipe_names
    for text in TEXTS:
        ours, theirs = lean(text), rasa(text)
        assert [(t.text, t.lemma_) for t in ours] == [(t.text, t.lemma_) for t in theirs]
        assert np.allclose(ours.vector, theirs.vector)
        assert np.allclose([t.vector for t in ours], [t.vector for t in theirs])
