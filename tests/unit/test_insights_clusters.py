"""Insights report: near-duplicate unanswered questions grouped together."""

from __future__ import annotations

from tools.insights.clusters import clusters


def _grouped(texts: list[str]) -> list[list[str]]:
    return [[texts[i] for i in group] for group in clusters(texts)]


def test_near_duplicates_sit_together_most_frequent_first() -> None:
    texts = [
        "who won the football match",
        "What's the weather in Paris",
        "what is the weather in paris?",
        "Quel temps fait-il à Paris ?",
        "WHAT'S THE WEATHER IN PARIS!!",
        "quel temps fait il a paris",
        "Who won the football game?",
        "asdkjh qwezxc",
    ]
    assert _grouped(texts) == [
        ["What's the weather in Paris", "what is the weather in paris?", "WHAT'S THE WEATHER IN PARIS!!"],
        ["who won the football match", "Who won the football game?"],
        ["Quel temps fait-il à Paris ?", "quel temps fait il a paris"],
        ["asdkjh qwezxc"],
    ]


def test_every_text_is_in_exactly_one_group() -> None:
    texts = [f"question number {n % 7} about {'Paris' if n % 2 else 'Kidal'}" for n in range(1200)]
    groups = clusters(texts)  # more than one chunk of the similarity matrix
    assert sorted(i for group in groups for i in group) == list(range(len(texts)))
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)


def test_no_text_and_blank_texts() -> None:
    assert clusters([]) == []
    assert clusters(["", "?"]) == [[0, 1]]
