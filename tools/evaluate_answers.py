"""Ask the evaluation sets' questions through the running assistant and score the replies.

`python -m tools.evaluate_answers [--sets dev|sealed|sealed-c|sealed-d|team|blind-dev] [--serve]
[--json FILE]`:
with `--serve` it starts both servers itself, otherwise it asks the ones running (`make serve`).
Prints, per set, the score per language and per kind (answers right, reply language right,
invented facts) and every failure with what the bot said. `make eval` runs it as one stage of
tools.evaluate. What each set is, and what it may be used for: docs/evaluation.md.

A sealed set is scored once, when the work it measures is done, and never read: it is asked for
only by name (`--sets sealed`, `--sets sealed-c`, `--sets sealed-d`), and its failures are
reported by id and kind only, never by text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache, partial
from pathlib import Path

from actions.dataset import get_dataset
from components.language import LanguageIdentifier
from project import MODEL, ROOT
from tools.answer_checker import COMPOSITION, KINDS, Item, Verdict, check, load_items
from tools.chat import WEBHOOK, ask
from tools.serve import servers

EVAL = ROOT / "tests" / "eval"


@dataclass(frozen=True)
class QuestionSet:
    name: str
    path: Path
    kinds: tuple[str, ...] | None  # None: the team set's own kinds
    sealed: bool = False


SETS = {
    "team": QuestionSet("team", EVAL / "questions.yml", None),
    "blind-dev": QuestionSet("blind-dev", EVAL / "blind-dev.yml", KINDS),
    "blind-sealed": QuestionSet("blind-sealed", EVAL / "blind-sealed.yml", KINDS, sealed=True),
    "blind-c-dev": QuestionSet("blind-c-dev", EVAL / "blind-c-dev.yml", KINDS),
    "blind-c-sealed": QuestionSet("blind-c-sealed", EVAL / "blind-c-sealed.yml", KINDS, sealed=True),
    "blind-d-dev": QuestionSet("blind-d-dev", EVAL / "blind-d-dev.yml", KINDS),
    "blind-d-sealed": QuestionSet("blind-d-sealed", EVAL / "blind-d-sealed.yml", KINDS, sealed=True),
}
# What `--sets` may name: "dev" is what tuning may look at; "sealed" is asked for explicitly.
SELECTIONS = {
    "dev": ("team", "blind-dev", "blind-c-dev", "blind-d-dev"),
    "sealed": ("blind-sealed", "blind-c-sealed", "blind-d-sealed"),
    "team": ("team",),
    "blind-dev": ("blind-dev", "blind-c-dev", "blind-d-dev"),
    "sealed-c": ("blind-c-sealed",),
    "sealed-d": ("blind-d-sealed",),
}
SEALED_WARNING = (
    "WARNING: scoring sealed blind sets (tests/eval/blind-sealed.yml, blind-c-sealed.yml, "
    "blind-d-sealed.yml). Each is scored ONCE and reported as it comes out: nothing it shows may "
    "drive a fix."
)


@dataclass
class Result:
    set: str
    id: str
    language: str
    kind: str
    ask: list[str]
    reply: str
    responses: list[str]
    real_answer: bool
    facts_right: bool
    language_right: bool
    missing: list[str]
    unwanted: list[str]
    invented: list[str]

    @property
    def right(self) -> bool:
        return self.real_answer and self.facts_right and self.language_right

    def why(self, sealed: bool = False) -> list[str]:
        """What went wrong; for a sealed question, without its facts."""
        reasons = []
        if not self.real_answer:
            reasons.append(f"not a real answer ({', '.join(self.responses) or 'no reply'})")
        if self.missing:
            reasons.append(f"{len(self.missing)} missing" if sealed else f"missing {self.missing}")
        if self.unwanted:
            reasons.append(f"{len(self.unwanted)} unwanted" if sealed else f"unwanted {self.unwanted}")
        if not self.language_right:
            reasons.append("wrong language")
        return reasons


@cache
def _names() -> re.Pattern:
    """Office and region names, which say nothing about a reply's language."""
    data = get_dataset()
    names = {n for entry in (*data.offices, *data.regions) for n in (entry.name.en, entry.name.fr)}
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def reply_language(identifier: LanguageIdentifier, reply: str) -> str | None:
    return identifier.identify(reply, [m.span() for m in _names().finditer(reply)]).supported


Send = Callable[[str, str], list[dict]]  # (conversation id, user text) -> the bot's messages


def last_reply(send: Send, item: Item) -> list[str]:
    """The bot's texts answering the last message of the item's conversation (a new one)."""
    sender = f"eval-{uuid.uuid4().hex[:10]}"
    messages: list[dict] = []
    for text in item.ask:
        messages = send(sender, text)
    return [m["text"] for m in messages if m.get("text")]


def score(set_name: str, item: Item, messages: Sequence[str], identifier: LanguageIdentifier) -> Result:
    verdict: Verdict = check(item, messages)
    reply = " ".join(messages)
    return Result(
        set_name,
        item.id,
        item.language,
        item.kind,
        list(item.ask),
        reply,
        verdict.responses,
        verdict.real_answer,
        verdict.facts_right,
        reply_language(identifier, reply) == item.language,
        verdict.missing,
        verdict.unwanted,
        verdict.invented,
    )


def evaluate(url: str, questions: QuestionSet, workers: int = 3) -> list[Result]:
    """Every question of the set, `workers` conversations at a time, in the set's order."""
    items = load_items(questions.path, questions.kinds)
    identifier = LanguageIdentifier(neutral_words=["UNICEF", "Mali"])
    results: list[Result] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for number, (item, messages) in enumerate(
            zip(items, pool.map(lambda item: last_reply(partial(ask, url), item), items), strict=True), 1
        ):
            results.append(score(questions.name, item, messages, identifier))
            if number % 50 == 0 or number == len(items):
                print(f"{questions.name}: {number}/{len(items)} questions asked", file=sys.stderr, flush=True)
    return results


def _row(rows: Sequence[Result]) -> dict:
    count = len(rows)
    return {
        "questions": count,
        "right": sum(r.right for r in rows),
        "answers_right": round(sum(r.right for r in rows) / count, 3) if count else None,
        "language_right": round(sum(r.language_right for r in rows) / count, 3) if count else None,
        "invented": sum(bool(r.invented) for r in rows),
    }


def group(kind: str) -> str:
    """The two groups the figures of issue 11 are set for: compositions, and every other kind."""
    return COMPOSITION if kind == COMPOSITION else "other"


def failure(result: Result, sealed: bool) -> dict:
    """A failure as reported; a sealed question's messages, facts and reply are never shown."""
    if sealed:
        return {"id": result.id, "language": result.language, "kind": result.kind, "why": result.why(True)}
    return {**asdict(result), "why": result.why()}


def summary(results: Sequence[Result], sealed: bool = False) -> dict:
    by_language: dict[str, list[Result]] = defaultdict(list)
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_language[r.language].append(r)
        by_kind[r.kind].append(r)

    def split(rows: Iterable[Result], key) -> dict:
        parts: dict[str, list[Result]] = defaultdict(list)
        for r in rows:
            parts[key(r)].append(r)
        return {name: _row(part) for name, part in sorted(parts.items())}

    return {
        "questions": len(results),
        "all": _row(results),
        "by_language": {
            lang: {
                **_row(rows),
                "by_kind": split(rows, lambda r: r.kind),
                "by_group": split(rows, lambda r: group(r.kind)),
            }
            for lang, rows in sorted(by_language.items())
        },
        "by_kind": {kind: _row(rows) for kind, rows in sorted(by_kind.items())},
        "failures": [failure(r, sealed) for r in results if not r.right],
    }


def evaluate_sets(url: str, names: Iterable[str], workers: int = 3) -> dict[str, dict]:
    """The summary of each named set whose file exists (a missing blind set is said and skipped)."""
    report = {}
    for name in names:
        questions = SETS[name]
        if not questions.path.exists():
            print(f"{name}: {questions.path.relative_to(ROOT)} is not there yet, skipped", file=sys.stderr)
            continue
        if questions.sealed:
            print(SEALED_WARNING, file=sys.stderr)
        report[name] = summary(evaluate(url, questions, workers), sealed=questions.sealed)
    return report


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def printed(report: dict[str, dict]) -> str:
    lines = []
    for name, figures in report.items():
        lines.append(f"== {name}: {figures['questions']} questions")
        for lang, row in figures["by_language"].items():
            lines.append(
                f"{lang}: {_percent(row['answers_right'])} of {row['questions']} answers right, "
                f"reply language {_percent(row['language_right'])}, invented facts in {row['invented']}"
            )
            for kind, k in row["by_kind"].items():
                lines.append(f"  {kind:20} {k['right']}/{k['questions']}  invented {k['invented']}")
        for f in figures["failures"]:
            why = "; ".join(f["why"])
            if "reply" in f:
                lines.append(f"FAIL {f['id']} [{f['kind']}] {f['ask']!r} -> {f['reply']!r}: {why}")
            else:
                lines.append(f"FAIL {f['id']} [{f['kind']}, {f['language']}]: {why}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=WEBHOOK)
    parser.add_argument("--sets", choices=sorted(SELECTIONS), default="dev")
    parser.add_argument("--workers", type=int, default=3, help="conversations asked at a time")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument("--serve", action="store_true", help="start both servers for the run")
    args = parser.parse_args()
    names = SELECTIONS[args.sets]
    if args.serve:
        with servers(MODEL):
            report = evaluate_sets(args.url, names, args.workers)
    else:
        report = evaluate_sets(args.url, names, args.workers)
    print(printed(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
