"""`make eval`: how good the assistant is, measured the same way every time.

Stages, each printed as it starts:
1. NLU on the held-out questions, per language (`rasa test nlu`): intent and entity
   precision / recall / F1, the intent confusion matrix and histogram (PNG);
2. optionally (`--cross-validation`), 3-fold cross-validation on the training data;
3. answers end to end: the answer sets through both servers (tools.evaluate_answers), by
   default the dev sets (`--sets dev`: the team set and the blind dev sets); the sealed blind sets
   only when asked for (`--sets sealed`, `--sets sealed-c` or `--sets sealed-d`, each scored
   once; then nothing else runs).
Writes results/ (JSON, PNG) and docs/evaluation.md with the figures, the command and the date.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from project import MODEL, ROOT
from tools.chat import WEBHOOK
from tools.cross_validation import scores as cross_validation_scores
from tools.evaluate_answers import SELECTIONS, SETS, evaluate_sets, printed
from tools.serve import BIN, servers

RESULTS = ROOT / "results"
REPORT = ROOT / "docs" / "evaluation.md"
PICTURES = ROOT / "docs" / "evaluation"  # committed beside the report


def stage(text: str) -> None:
    print(f"==> {text}", file=sys.stderr, flush=True)


def rasa_test_nlu(data: str, out: Path, *extra: str) -> None:
    subprocess.run(
        [str(BIN / "rasa"), "test", "nlu", "--model", str(MODEL), "--nlu", data, "--out", str(out), *extra],
        cwd=ROOT,
        check=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        stdout=subprocess.DEVNULL,
    )


def nlu_figures(out: Path) -> dict:
    intents = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    entities = json.loads((out / "DIETClassifier_report.json").read_text(encoding="utf-8"))
    pick = ("precision", "recall", "f1-score")
    return {
        "intent_accuracy": round(intents["accuracy"], 3),
        "intent": {k: round(intents["weighted avg"][k], 3) for k in pick},
        "entity": {k: round(entities["weighted avg"][k], 3) for k in pick},
        "examples": intents["weighted avg"]["support"],
    }


def cross_validation(out: Path, folds: int = 3) -> dict:
    rasa_test_nlu("data/", out, "--cross-validation", "--folds", str(folds), "--successes")
    return cross_validation_scores(out, folds)


def _prf(scores: dict) -> str:
    return f"{scores['precision']:.3f} / {scores['recall']:.3f} / {scores['f1-score']:.3f}"


SETS_SECTION = """## Which set is which, and what each may be used for

- **Team sets (dev)**: `tests/nlu/test_nlu_{en,fr}.yml` (NLU) and `tests/eval/questions.yml`
  (answers), written by the team from the source page. Used for tuning: settings were chosen
  and fixes driven by them, so they no longer measure questions nobody here has seen.
- **Blind dev set**: `tests/eval/blind-dev.yml`, written blind by helper sessions that saw only
  the source page (`where-we-work.en.txt`) and the French terms (`french-terms.md`), never the
  training data, the code or a failure. May drive fixes: read its failures, improve the assistant.
- **Blind sealed set**: `tests/eval/blind-sealed.yml`, written with the blind dev set and split
  off before anything was scored. Scored **once**, at the end of issue 11
  (`make eval EVAL_ARGS="--sets sealed"`, which warns), and reported as it comes out. Never read;
  nothing from it goes into training data, rules or code, copied or paraphrased; its failures
  are reported by id and kind only. Since then it is asked at every CI run as a regression guard
  only (floors just under that score); nothing it shows may drive a fix.
- **Blind set C (dev and sealed)**: `tests/eval/blind-c-dev.yml` and `tests/eval/blind-c-sealed.yml`,
  200 more questions written the same blind way by one more helper session after sets A and B
  had been scored (writer C: journalists, students, parents on a phone, partners, new staff),
  split in two halves before anything was scored. The dev half may drive fixes like the blind
  dev set; the sealed half is scored **once** (`make eval EVAL_ARGS="--sets sealed-c"`), to
  measure, honestly, the work done after the first sealed score, then kept as a regression guard.
- **Blind set D (dev and sealed)**: `tests/eval/blind-d-dev.yml` and `tests/eval/blind-d-sealed.yml`,
  200 more questions written the same blind way by another helper session after sets A, B and C
  had been scored (writer D: village health workers on a basic phone, NGO logistics staff, pupils,
  a radio presenter, a regional official, the diaspora, an intern), split in two halves (seed
  20261204) before anything was scored. The dev half may drive fixes; the sealed half is scored
  **once** (`make eval EVAL_ARGS="--sets sealed-d"`), at the end of the third session on issue 11,
  then kept as a regression guard.

No set goes into the training data: `tests/unit/test_training_data.py` compares every training
example written since the blind sets came (the commit that added them) with every message of
every set, offices, places, years and numbers masked, by difflib's ratio (0.9 or more fails),
and names only the sealed set's ids. Examples written before could not copy the blind sets; the
common questions they share with them by chance ("tell me about Mopti") are not failed.
"""
ANSWERS_METHOD = """Each question asked through the REST webhook of the running servers, in a new conversation
(several messages: the whole conversation, only the reply to the last one checked). Right: a
real answer (every bot message recognised as a domain response by its template, at least one of
them an answer, none the fallback, the help text, out-of-scope or a question back; for a "the page
does not say" question, a response of that kind), every expected fact and no unwanted one (any
case or accents, whole words, an office's English and French names alike), in the question's
language. Invented fact: an unwanted fact in what the reply states (outside non-answers)."""
SET_TITLES = {
    "team": "Team set (dev): tests/eval/questions.yml",
    "blind-dev": "Blind dev set: tests/eval/blind-dev.yml",
    "blind-sealed": "Blind sealed set: tests/eval/blind-sealed.yml (scored once)",
    "blind-c-dev": "Blind dev set C: tests/eval/blind-c-dev.yml",
    "blind-c-sealed": "Blind sealed set C: tests/eval/blind-c-sealed.yml (scored once)",
    "blind-d-dev": "Blind dev set D: tests/eval/blind-d-dev.yml",
    "blind-d-sealed": "Blind sealed set D: tests/eval/blind-d-sealed.yml (scored once)",
}


def markdown(figures: dict, command: str) -> str:
    nlu = figures.get("nlu") or {}
    lines = [
        "# Evaluation",
        "",
        f"Latest run: {figures['date']}, with `{command}` (model `models/assistant.tar.gz`).",
        "",
        SETS_SECTION,
        "## NLU on held-out questions (team NLU set)",
        "",
        "| language | examples | intent accuracy | intent P / R / F1 | entity P / R / F1 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for lang, row in nlu.items():
        i, e = row["intent"], row["entity"]
        lines.append(f"| {lang} | {row['examples']} | {row['intent_accuracy']:.3f} | {_prf(i)} | {_prf(e)} |")
    lines += [""]
    for lang in nlu:
        lines += [
            f"![{lang} intent confusion matrix](evaluation/{lang}_intent_confusion_matrix.png)",
            f"![{lang} intent confidence histogram](evaluation/{lang}_intent_histogram.png)",
        ]
    lines += [""]
    if "cross_validation" in figures:
        cv = figures["cross_validation"]
        lines += [
            f"## NLU by {cv['folds']}-fold cross-validation on the training data",
            "",
            "Each example predicted by the fold's model that did not see it; per language as the",
            'assistant tells languages apart ("neutral": too short to tell); entities per span.',
            "",
            "| language | examples | intent P / R / F1 | entity spans | entity P / R / F1 |",
            "| --- | --- | --- | --- | --- |",
        ]
        for lang, row in [*cv["by_language"].items(), ("all", cv["all"])]:
            i, e = row["intent"], row["entity"]
            lines.append(f"| {lang} | {i['examples']} | {_prf(i)} | {e['spans']} | {_prf(e)} |")
        lines += [""]
    lines += ["## Answers end to end", "", ANSWERS_METHOD, ""]
    for name, answers in figures["answers"].items():
        lines += answer_tables(name, answers)
    return "\n".join(lines) + "\n"


def _cell(row: dict | None) -> str:
    if not row:
        return ""
    return f"{row['right']}/{row['questions']} ({row['answers_right']:.0%})"


def answer_tables(name: str, answers: dict) -> list[str]:
    """One set's figures: per language, per kind group and kind, and its failures."""
    languages = list(answers["by_language"])
    lines = [
        f"### {SET_TITLES[name]}",
        "",
        f"Scored {answers['date']} with `{answers['command']}`: {answers['questions']} questions.",
        "",
        "| language | questions | answers right | reply language right | replies with an invented fact |",
        "| --- | --- | --- | --- | --- |",
    ]
    for lang, row in answers["by_language"].items():
        cells = [lang, row["questions"], _cell(row), f"{row['language_right']:.1%}", row["invented"]]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    header = "| " + " | ".join(["kind", *languages]) + " |"
    rule = "| " + " | ".join(["---"] * (len(languages) + 1)) + " |"
    groups = sorted({g for row in answers["by_language"].values() for g in row["by_group"]})
    lines += ["", "By kind group (the floors of issue 11: compositions, and every other kind):", ""]
    lines += [header, rule]
    for g in groups:
        cells = [_cell(answers["by_language"][lang]["by_group"].get(g)) for lang in languages]
        lines.append("| " + " | ".join([g, *cells]) + " |")
    lines += ["", "By kind (answers right):", "", header, rule]
    for kind in answers["by_kind"]:
        cells = [_cell(answers["by_language"][lang]["by_kind"].get(kind)) for lang in languages]
        lines.append("| " + " | ".join([kind, *cells]) + " |")
    lines += ["", f"Failing questions ({len(answers['failures'])}):", ""]
    for failure in answers["failures"]:
        why = "; ".join(failure["why"]).replace("|", "\\|")
        if "reply" in failure:
            reply = failure["reply"].replace("|", "\\|")[:200]
            lines.append(f"- `{failure['id']}` ({failure['kind']}) {failure['ask']!r} → {reply!r}: {why}")
        else:  # the sealed set: its ids and kinds only
            lines.append(f"- `{failure['id']}` ({failure['kind']}, {failure['language']}): {why}")
    return [*lines, ""]


def previous_figures() -> dict:
    """The last run's figures: a run of some stages or sets keeps the others' in the report."""
    path = RESULTS / "evaluation.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cross-validation", action="store_true", help="also 3-fold CV (slow)")
    parser.add_argument(
        "--sets",
        choices=sorted(SELECTIONS),
        default="dev",
        help='answer sets: "dev" (team + blind dev, the default); "sealed" only when told to (once)',
    )
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    figures = previous_figures()
    figures["date"] = datetime.date.today().isoformat()
    command = "make eval" + (f' EVAL_ARGS="{" ".join(sys.argv[1:])}"' if sys.argv[1:] else "")
    if not args.sets.startswith("sealed"):  # a sealed run scores its sealed sets and nothing else
        figures["nlu"] = {}
        for lang in ("en", "fr"):
            stage(f"NLU on the held-out {lang} questions")
            out = RESULTS / f"nlu_{lang}"
            rasa_test_nlu(f"tests/nlu/test_nlu_{lang}.yml", out)
            figures["nlu"][lang] = nlu_figures(out)
            PICTURES.mkdir(exist_ok=True)
            for picture in ("intent_confusion_matrix.png", "intent_histogram.png"):
                shutil.copy(out / picture, PICTURES / f"{lang}_{picture}")
    if args.cross_validation:
        stage("3-fold cross-validation on the training data (trains 3 models)")
        figures["cross_validation"] = cross_validation(RESULTS / "cross_validation")
    stage(f"answers end to end, sets {', '.join(SELECTIONS[args.sets])} (starting both servers)")
    with servers(MODEL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        scored = evaluate_sets(WEBHOOK, SELECTIONS[args.sets])
    figures["answers"] = {
        **(figures.get("answers") or {}),
        **{name: {**row, "date": figures["date"], "command": command} for name, row in scored.items()},
    }
    figures["answers"] = {name: figures["answers"][name] for name in SETS if name in figures["answers"]}
    (RESULTS / "evaluation.json").write_text(
        json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    REPORT.write_text(markdown(figures, command), encoding="utf-8")
    stage(f"wrote {REPORT.relative_to(ROOT)} and results/")
    print(printed(scored))


if __name__ == "__main__":
    main()
