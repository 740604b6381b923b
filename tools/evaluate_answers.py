"""Ask the held-out questions (tests/eval/questions.yml) through the running assistant and
score the answers: the facts each must and must not contain, and the reply's language.

`python -m tools.evaluate_answers [--serve] [--json results/answers.json]`: with `--serve` it
starts both servers itself, otherwise it asks the ones running (`make serve`). Prints the score
per language and per kind, and every failure with what the bot said. `make eval` runs it as
one stage of tools.evaluate.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from actions.dataset import get_dataset
from components.language import LanguageIdentifier
from project import MODEL, ROOT
from tools.chat import WEBHOOK, ask
from tools.serve import servers

QUESTIONS = ROOT / "tests" / "eval" / "questions.yml"


@dataclass
class Result:
    id: str
    language: str
    kind: str
    question: str
    reply: str
    facts_right: bool
    language_right: bool
    missing: list[str]
    unwanted: list[str]

    @property
    def right(self) -> bool:
        return self.facts_right and self.language_right


def _names() -> re.Pattern:
    """Office and region names, which say nothing about a reply's language."""
    data = get_dataset()
    names = {n for entry in (*data.offices, *data.regions) for n in (entry.name.en, entry.name.fr)}
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def evaluate(url: str = WEBHOOK, path: Path = QUESTIONS) -> list[Result]:
    identifier = LanguageIdentifier(neutral_words=["UNICEF", "Mali"])
    names = _names()
    results = []
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    for number, item in enumerate(items, 1):
        sender = f"eval-{uuid.uuid4().hex[:10]}"
        reply = ""
        for text in item["ask"]:
            reply = " ".join(m.get("text", "") for m in ask(url, sender, text))
        missing = [f for f in item.get("must") or [] if f not in reply]
        unwanted = [f for f in item.get("must_not") or [] if f in reply]
        detected = identifier.identify(reply, [m.span() for m in names.finditer(reply)]).supported
        results.append(
            Result(
                item["id"],
                item["language"],
                item["kind"],
                item["ask"][-1],
                reply,
                not missing and not unwanted,
                detected == item["language"],
                missing,
                unwanted,
            )
        )
        if sys.stderr.isatty():
            print(f"\r{number}/{len(items)} questions asked", end="", file=sys.stderr, flush=True)
        elif number % 50 == 0 or number == len(items):
            print(f"{number}/{len(items)} questions asked", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return results


def summary(results: list[Result]) -> dict:
    def share(rows: list[Result], attribute: str) -> float:
        return round(sum(getattr(r, attribute) for r in rows) / len(rows), 3)

    by_language: dict[str, list[Result]] = defaultdict(list)
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_language[r.language].append(r)
        by_kind[r.kind].append(r)
    return {
        "questions": len(results),
        "by_language": {
            lang: {
                "questions": len(rows),
                "answers_right": share(rows, "right"),
                "facts_right": share(rows, "facts_right"),
                "language_right": share(rows, "language_right"),
            }
            for lang, rows in sorted(by_language.items())
        },
        "by_kind": {
            kind: {"questions": len(rows), "answers_right": share(rows, "right")}
            for kind, rows in sorted(by_kind.items())
        },
        "failures": [asdict(r) for r in results if not r.right],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=WEBHOOK)
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument("--serve", action="store_true", help="start both servers for the run")
    args = parser.parse_args()
    if args.serve:
        with servers(MODEL):
            report = summary(evaluate(args.url))
    else:
        report = summary(evaluate(args.url))
    for lang, row in report["by_language"].items():
        print(
            f"{lang}: {row['answers_right']:.1%} of {row['questions']} answers right "
            f"(facts {row['facts_right']:.1%}, reply language {row['language_right']:.1%})"
        )
    for kind, row in report["by_kind"].items():
        print(f"  {kind:20} {row['answers_right']:.0%} of {row['questions']}")
    for failure in report["failures"]:
        print(
            f"FAIL {failure['id']}: {failure['question']!r} -> {failure['reply']!r}"
            f" missing={failure['missing']} unwanted={failure['unwanted']}"
            f" language_right={failure['language_right']}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
