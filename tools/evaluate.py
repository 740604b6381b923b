"""`make eval`: how good the assistant is, measured the same way every time.

Stages, each printed as it starts:
1. NLU on the held-out questions, per language (`rasa test nlu`): intent and entity
   precision / recall / F1, the intent confusion matrix and histogram (PNG);
2. optionally (`--cross-validation`), 3-fold cross-validation on the training data;
3. answers end to end: the held-out question set through both servers (tools.evaluate_answers).
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
from tools.cross_validation import scores as cross_validation_scores
from tools.evaluate_answers import evaluate, summary
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


def markdown(figures: dict, command: str) -> str:
    nlu = figures["nlu"]
    answers = figures["answers"]
    lines = [
        "# Evaluation",
        "",
        f"Latest run: {figures['date']}, with `{command}` (model `models/assistant.tar.gz`).",
        "Questions: `tests/nlu/test_nlu_{en,fr}.yml` (NLU) and `tests/eval/questions.yml` (answers),",
        "written from the source page, none of them in the training data (a unit test checks it).",
        "",
        "## NLU on held-out questions",
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
    lines += [
        "## Answers end to end",
        "",
        "Each question asked through the REST webhook of the running servers, in a new conversation",
        "(follow-ups: the whole conversation); right = every expected fact, no unexpected one, and",
        "the reply in the question's language.",
        "",
        "| language | questions | answers right | facts right | reply language right |",
        "| --- | --- | --- | --- | --- |",
    ]
    for lang, row in answers["by_language"].items():
        lines.append(
            f"| {lang} | {row['questions']} | {row['answers_right']:.1%} | "
            f"{row['facts_right']:.1%} | {row['language_right']:.1%} |"
        )
    lines += ["", "| kind | questions | answers right |", "| --- | --- | --- |"]
    for kind, row in answers["by_kind"].items():
        lines.append(f"| {kind} | {row['questions']} | {row['answers_right']:.0%} |")
    lines += ["", "### Failing questions", ""]
    for failure in answers["failures"]:
        reply = failure["reply"].replace("|", "\\|")[:160]
        lines.append(f"- `{failure['id']}` {failure['question']!r} → {reply!r}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cross-validation", action="store_true", help="also 3-fold CV (slow)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    figures: dict = {"date": datetime.date.today().isoformat(), "nlu": {}}
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
    stage("answers end to end (starting both servers)")
    with servers(MODEL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        figures["answers"] = summary(evaluate())
    (RESULTS / "evaluation.json").write_text(
        json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    command = "make eval" + (" EVAL_ARGS=--cross-validation" if args.cross_validation else "")
    REPORT.write_text(markdown(figures, command), encoding="utf-8")
    stage(f"wrote {REPORT.relative_to(ROOT)} and results/")
    for lang in ("en", "fr"):
        a = figures["answers"]["by_language"][lang]
        print(
            f"{lang}: intent F1 {figures['nlu'][lang]['intent']['f1-score']:.3f}, "
            f"answers right {a['answers_right']:.1%}, reply language {a['language_right']:.1%}"
        )


if __name__ == "__main__":
    main()
