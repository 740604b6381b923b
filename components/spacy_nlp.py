"""Rasa's SpacyNLP without the French model's named-entity recogniser.

Rasa loads the whole spaCy pipeline but the parser, and runs it on every message; no feature
of this pipeline reads spaCy's named entities (SpacyFeaturizer reads tok2vec's vectors, the
tokenizer the tokens and their lemmas), yet the recogniser takes more than half of spaCy's
time per message (1.2 of 2.2 ms here). The vectors, tokens and lemmas are the same without it.

The class keeps Rasa's name: the recipe hands the loaded model to the components that declare
`model_from="SpacyNLP"` by the provider's class name.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.nlu.utils.spacy_utils import SpacyNLP as RasaSpacyNLP

UNUSED = ("ner",)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(RasaSpacyNLP):
    """The spaCy model, loaded and checked by Rasa, without the components no feature uses."""

    @staticmethod
    def load_model(spacy_model_name: str) -> SpacyModel:
        loaded = RasaSpacyNLP.load_model(spacy_model_name)
        for name in UNUSED:
            if name in loaded.model.pipe_names:
                loaded.model.remove_pipe(name)
        return loaded
