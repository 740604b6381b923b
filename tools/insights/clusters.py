"""Near-duplicate unanswered questions grouped, so that one question asked many ways is one row.

Texts are normalised (case, accents, punctuation), then compared as TF-IDF vectors of
character n-grams, which tolerate typos and word order. Grouping is by leaders: texts are
taken most frequent first, and each joins the most similar existing group's leader when the
cosine similarity reaches the threshold, or leads a new group. Unlike linking any two similar
texts, this cannot chain unrelated questions together through a series of small steps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from actions.text import normalise

SIMILARITY = 0.6
CHUNK = 512  # rows of the similarity matrix computed at a time: memory stays bounded


def clusters(texts: Sequence[str], similarity: float = SIMILARITY) -> list[list[int]]:
    """Indices of `texts` grouped by near-duplicates, largest group first (ties: first seen)."""
    keys = [normalise(text) for text in texts]
    counts = Counter(keys)  # insertion order: first seen first, kept by the stable sort below
    unique = sorted(counts, key=lambda key: -counts[key])
    leader = _leaders(unique, similarity)
    members: dict[int, list[int]] = {}
    for index, key in enumerate(keys):
        members.setdefault(leader[key], []).append(index)
    return sorted(members.values(), key=lambda group: (-len(group), group[0]))


def _leaders(unique: list[str], similarity: float) -> dict[str, int]:
    """Each distinct normalised text (most frequent first) -> its group leader's position."""
    if not any(unique):  # nothing to vectorise: every text is empty
        return dict.fromkeys(unique, 0)
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(unique)
    leaders: list[int] = []
    leader_of: dict[str, int] = {}
    for start in range(0, len(unique), CHUNK):
        block = (vectors[start : start + CHUNK] @ vectors.T).toarray()  # rows are L2-normalised: cosine
        for offset, row in enumerate(block):
            index = start + offset
            best = leaders[int(np.argmax(row[leaders]))] if leaders else None
            if best is None or row[best] < similarity:
                leaders.append(index)
                best = index
            leader_of[unique[index]] = best
    return leader_of
