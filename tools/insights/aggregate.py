"""The report's numbers, computed from user turns as they stream by.

Days are UTC dates. A message's language is the conversation's language once the message was
read (what the bot answered in); a conversation is one of a sender's sessions (Rasa starts a
new one after an hour of silence). Entities are counted once per message, under the dataset's
name for what they refer to, whatever the user typed.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from actions.dataset import Dataset
from actions.terms import vocabularies
from tools.insights.privacy import mask
from tools.insights.turns import Turn
from tools.insights.unanswered import reasons

NOT_IN_DATASET = "(not in the dataset)"
TEXT_LIMIT = 300  # characters shown of a message: a refused one is stored whole, at any length
MASK_MARGIN = 200  # characters masked beyond TEXT_LIMIT, so nothing personal is cut in two
FEEDBACK_INTENTS = {"feedback_helpful": "helpful", "feedback_wrong": "wrong"}


@dataclass
class Activity:
    """Conversations, messages and users for one day, channel or language."""

    messages: int = 0
    conversations: set[tuple[str, int]] = field(default_factory=set)
    users: set[str] = field(default_factory=set)

    def add(self, turn: Turn) -> None:
        self.messages += 1
        self.conversations.add((turn.sender_id, turn.conversation))
        self.users.add(turn.sender_id)


@dataclass(frozen=True)
class Unanswered:
    """A message the assistant could not answer, as the report may show it."""

    text: str  # masked
    timestamp: float
    day: str
    channel: str
    language: str
    user: str  # pseudonym
    reasons: tuple[str, ...]


@dataclass
class Insights:
    since: str
    until: str
    total: Activity = field(default_factory=Activity)
    by_day: dict[str, Activity] = field(default_factory=lambda: defaultdict(Activity))
    by_channel: dict[str, Activity] = field(default_factory=lambda: defaultdict(Activity))
    by_language: dict[str, Activity] = field(default_factory=lambda: defaultdict(Activity))
    messages_by_day_language: Counter[tuple[str, str]] = field(default_factory=Counter)
    bot_messages: int = 0
    question_kinds: Counter[str] = field(default_factory=Counter)
    offices: Counter[str] = field(default_factory=Counter)
    issues: Counter[str] = field(default_factory=Counter)
    sectors: Counter[str] = field(default_factory=Counter)
    unanswered: list[Unanswered] = field(default_factory=list)  # in the order turns end: sort by time
    feedback_offers: int = 0
    feedback: Counter[str] = field(default_factory=Counter)  # helpful / wrong
    marked_wrong: Counter[str] = field(default_factory=Counter)  # masked question before a "wrong"
    response_times: list[float] = field(default_factory=list)  # seconds, user message -> first reply

    @property
    def median_response_time(self) -> float | None:
        return statistics.median(self.response_times) if self.response_times else None

    @property
    def helpful_share(self) -> float | None:
        """Helpful answers among those users rated."""
        rated = sum(self.feedback.values())
        return self.feedback["helpful"] / rated if rated else None


# Characters a channel stores as it got them but no file can show: control characters (NUL
# makes the CSV writer fail) are shown as their Unicode symbols (␀), lone surrogates (not
# encodable in UTF-8) as the replacement character.
_UNSHOWABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _showable(match: re.Match[str]) -> str:
    character = match.group(0)
    if character == "\x7f":
        return "\u2421"
    return chr(0x2400 + ord(character)) if character < " " else "\ufffd"


def shown(text: str) -> str:
    """A user's message as the report may show it: masked, cut to TEXT_LIMIT characters, and
    writable to any file (see `_UNSHOWABLE`)."""
    # Cut before masking, with room for an address or a number across the cut: the masks' regular
    # expressions take time that grows with the square of the length (a refused 100,000-character
    # message took minutes), and no more than TEXT_LIMIT characters is shown anyway.
    masked = mask(_UNSHOWABLE.sub(_showable, text[: TEXT_LIMIT + MASK_MARGIN]))
    whole = len(masked) <= TEXT_LIMIT and len(text) <= TEXT_LIMIT + MASK_MARGIN
    return masked if whole else masked[:TEXT_LIMIT] + "…"


class Aggregator:
    """Adds turns to an `Insights`, resolving entities through the dataset."""

    def __init__(
        self,
        insights: Insights,
        dataset: Dataset,
        threshold: float,
        pseudonym: Callable[[str], str],
    ) -> None:
        self.insights = insights
        self.dataset = dataset
        self.threshold = threshold
        self.pseudonym = pseudonym
        self._vocabularies = vocabularies(dataset)
        self._last_question: dict[str, str] = {}  # sender -> their last message that was not feedback

    def add_all(self, turns: Iterable[Turn]) -> Insights:
        for turn in turns:
            self.add(turn)
        return self.insights

    def add(self, turn: Turn) -> None:
        report = self.insights
        day = datetime.fromtimestamp(turn.timestamp, timezone.utc).date().isoformat()
        for activity in (report.total, report.by_day[day], report.by_channel[turn.channel]):
            activity.add(turn)
        report.by_language[turn.language].add(turn)
        report.messages_by_day_language[day, turn.language] += 1
        report.bot_messages += turn.replies
        if turn.first_reply_at is not None:
            report.response_times.append(max(0.0, turn.first_reply_at - turn.timestamp))
        report.feedback_offers += turn.feedback_offered
        if turn.intent and turn.intent.startswith("ask_"):
            report.question_kinds[turn.intent] += 1
        self._count_entities(turn)
        rating = FEEDBACK_INTENTS.get(turn.intent or "")
        if rating:
            report.feedback[rating] += 1
            if rating == "wrong" and turn.sender_id in self._last_question:
                report.marked_wrong[self._last_question[turn.sender_id]] += 1
            return
        self._last_question[turn.sender_id] = shown(turn.text)
        why = reasons(turn.intent, turn.confidence, turn.responses, self.threshold)
        if why and any(c.isalnum() for c in turn.text):  # empty or emoji-only: nothing to learn from
            report.unanswered.append(
                Unanswered(
                    shown(turn.text),
                    turn.timestamp,
                    day,
                    turn.channel,
                    turn.language,
                    self.pseudonym(turn.sender_id),
                    tuple(why),
                )
            )

    def _count_entities(self, turn: Turn) -> None:
        found: set[tuple[str, str]] = set()
        for entity, value in turn.entities:
            if entity == "office":
                match = self._vocabularies.offices.resolve(value)
                found.add(("office", self.dataset.office(match.id).name.en if match else NOT_IN_DATASET))
            elif entity in ("issue", "sector"):
                match = self._vocabularies.terms.resolve(value)
                found.add(self._term(match.kind, match.id) if match else (entity, NOT_IN_DATASET))
        tables = {
            "office": self.insights.offices,
            "issue": self.insights.issues,
            "sector": self.insights.sectors,
        }
        for kind, label in found:
            tables[kind][label] += 1

    def _term(self, kind: str, term_id: str) -> tuple[str, str]:
        """Where a term goes (what it is in the dataset, not what NLU tagged it as), and its name."""
        if kind == "sector":
            return "sector", self.dataset.sector(term_id).label.en
        if kind == "topic":
            return "issue", self.dataset.topic(term_id).label.en
        return "issue", self.dataset.issue(term_id).label.en
