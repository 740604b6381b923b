"""NLU data agrees with the dataset, and the test sets are held out from training.

Held out means more than "not copied": every training example is compared with every test
question of every set once offices, places, years and numbers are masked ("how many staff in
Gao" and "how many staff in Kayes" are one question), by a fuzzy ratio, so that a question
reworded by a letter or two is caught too.
"""

from __future__ import annotations

import bisect
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

import pytest
import yaml

from actions.dataset import Dataset, get_dataset
from actions.terms import vocabularies
from actions.text import normalise
from project import ROOT
from tools.evaluate_answers import SETS
from tools.export_lookups import TARGET, render

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\((\w+)\)|\{\"entity\": ?\"(\w+)\"[^}]*\})")


def _examples(path: Path):
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" in block:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    yield block["intent"], line.strip()[2:]


def _plain(example: str) -> str:
    return normalise(ANNOTATION.sub(lambda m: m.group(1), example))


def test_lookups_are_generated_from_the_dataset(dataset):
    assert TARGET.read_text(encoding="utf-8") == render(dataset), (
        "data/lookups.yml is out of date: run `make lookups` and retrain"
    )


@pytest.mark.parametrize(
    "entity, family",
    [("office", "offices"), ("issue", "terms"), ("sector", "terms"), ("ranking", "rankings")],
)
def test_every_annotated_value_in_training_data_resolves_in_the_dataset(dataset, entity, family):
    vocab = getattr(vocabularies(dataset), family)
    unknown = {
        text
        for _, example in _examples(ROOT / "data" / "nlu.yml")
        for text, name, name2 in ANNOTATION.findall(example)
        if (name or name2) == entity and vocab.resolve(text) is None
    }
    assert not unknown, f"{entity} values the dataset does not know: {sorted(unknown)}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_test_question_appears_in_the_training_data(language):
    training = {_plain(e) for _, e in _examples(ROOT / "data" / "nlu.yml")}
    held_out = [e for _, e in _examples(ROOT / "tests" / "nlu" / f"test_nlu_{language}.yml")]
    leaked = [e for e in held_out if _plain(e) in training]
    assert len(held_out) >= 100
    assert not leaked, f"test examples found in data/nlu.yml: {leaked}"


def test_every_intent_has_test_examples_in_both_languages():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for language in ("en", "fr"):
        tested = {i for i, _ in _examples(ROOT / "tests" / "nlu" / f"test_nlu_{language}.yml")}
        assert set(domain["intents"]) <= tested, f"{language}: {set(domain['intents']) - tested}"


def test_no_evaluation_question_appears_in_the_training_data():
    training = {_plain(e) for _, e in _examples(ROOT / "data" / "nlu.yml")}
    questions = yaml.safe_load((ROOT / "tests" / "eval" / "questions.yml").read_text(encoding="utf-8"))
    asked = [text for item in questions for text in item["ask"]]
    assert len(questions) >= 150
    assert not [text for text in asked if normalise(text) in training]


# -- leakage: training examples against every test question, masked, by a fuzzy ratio ----

LEAK_RATIO = 0.9  # masked texts at least this alike are one question (difflib's ratio, 0-1)
MIN_WORDS = 3  # shorter test texts ("and Gao?", "FGM?") are what anyone types: not compared
EVAL = ROOT / "tests" / "eval"
SEALED = {s.path for s in SETS.values() if s.sealed}  # read here only mechanically: only ids are ever printed


@dataclass(frozen=True)
class Text:
    where: str  # a test question's set and id, or a training example's file and line
    text: str


class Masker:
    """Offices, places (regions), years and numbers replaced by one word each, after normalising."""

    def __init__(self, dataset: Dataset) -> None:
        def names(entries) -> str:
            found = {normalise(n) for entry in entries for n in entry.names()} - {""}
            return "|".join(re.escape(n) for n in sorted(found, key=len, reverse=True))

        self._offices = re.compile(rf"(?<!\w)({names(dataset.offices)})(?!\w)")
        self._places = re.compile(rf"(?<!\w)({names(dataset.regions)})(?!\w)")

    def __call__(self, text: str) -> str:
        masked = self._places.sub("PLACE", self._offices.sub("OFFICE", normalise(text)))
        return re.sub(r"\d+", "NUMBER", masked)  # years and staff figures alike


@cache
def masker() -> Masker:
    return Masker(get_dataset())


def leaked_pairs(training: list[Text], questions: list[Text], threshold: float = LEAK_RATIO) -> list:
    """(ratio, training example, test question) for each pair alike at `threshold` or more, masked."""
    mask = masker()
    train = sorted(((mask(t.text), t) for t in training), key=lambda pair: len(pair[0]))
    lengths = [len(masked) for masked, _ in train]
    found = []
    for question in questions:
        asked = mask(question.text)
        if len(asked.split()) < MIN_WORDS:
            continue
        matcher = SequenceMatcher(None, b=asked, autojunk=False)
        # a ratio of r needs the shorter text to be at least r / (2 - r) of the longer's length
        low = bisect.bisect_left(lengths, len(asked) * threshold / (2 - threshold))
        high = bisect.bisect_right(lengths, len(asked) * (2 - threshold) / threshold)
        for masked, example in train[low:high]:
            matcher.set_seq1(masked)
            if matcher.quick_ratio() >= threshold and (ratio := matcher.ratio()) >= threshold:
                found.append((round(ratio, 3), example, question))
    return found


def _unannotated(text: str) -> str:
    return ANNOTATION.sub(lambda m: m.group(1), text)


def training_examples(files: dict[str, str]) -> list[Text]:
    """Every user text Rasa trains on, in `files` (path: content): NLU examples and the user
    steps of stories and rules."""
    found = []
    for name, content in sorted(files.items()):
        numbers: dict[str, int] = {}
        for number, line in enumerate(content.splitlines(), 1):
            numbers.setdefault(line.strip(), number)
        data = yaml.safe_load(content) or {}
        for block in data.get("nlu") or []:
            for line in (block.get("examples") or "").splitlines() if "intent" in block else ():
                if line.strip().startswith("- "):
                    where = f"{name}:{numbers.get(line.strip(), 0)}"
                    found.append(Text(where, _unannotated(line.strip()[2:])))
        for story in [*(data.get("stories") or []), *(data.get("rules") or [])]:
            for step in story.get("steps") or []:
                if isinstance(step, dict) and step.get("user"):
                    where = f"{name}: {story.get('story') or story.get('rule')}"
                    found.append(Text(where, _unannotated(step["user"].strip())))
    return found


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


def training_files_now() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "data").rglob("*.yml")}


def _added_in(path: Path) -> str | None:
    """The commit that added a file, None while it is not committed."""
    added = _git("log", "--diff-filter=A", "--format=%H", "--", str(path.relative_to(ROOT))).split()
    return added[-1] if added else None


@cache
def training_files_when_the_set_came(path: Path) -> dict[str, str]:
    """data/ as it was when a test set came (the first blind sets for the sets before them):
    examples written before anyone here could read the set, so alike one of its questions only
    by chance (docs/evaluation.md)."""
    first = _added_in(SETS["blind-sealed"].path)
    if not first:
        pytest.fail("no commit adds tests/eval/blind-sealed.yml: this check needs the git history")
    own = _added_in(path) if path.is_relative_to(EVAL) else None
    if path.is_relative_to(EVAL) and own is None:
        return training_files_now()  # a set being added now: every example was written before it
    later = subprocess.run(["git", "-C", str(ROOT), "merge-base", "--is-ancestor", first, own or first])
    commit = own if own and later.returncode == 0 else first
    paths = [p for p in _git("ls-tree", "-r", "--name-only", commit, "data").split() if p.endswith(".yml")]
    return {p: _git("show", f"{commit}:{p}") for p in paths}


def new_examples(now: dict[str, str], before: dict[str, str]) -> list[Text]:
    """Training examples in `now` whose masked text is in no example of `before`."""
    mask = masker()
    earlier = {mask(t.text) for t in training_examples(before)}
    return [t for t in training_examples(now) if mask(t.text) not in earlier]


def test_questions(path: Path) -> Iterator[Text]:
    """Each message of each question of a set (tests/eval) or each example of an NLU test file."""
    if path.parent.name == "nlu":
        for number, (intent, example) in enumerate(_examples(path), 1):
            yield Text(f"{path.name} {intent} #{number}", _unannotated(example))
        return
    for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        for turn, text in enumerate(item["ask"], 1):
            yield Text(f"{path.name} {item['id']} turn {turn}", str(text))


test_questions.__test__ = False  # a helper, not a test


def _test_files() -> list[Path]:
    return sorted((ROOT / "tests" / "nlu").glob("*.yml")) + sorted(EVAL.glob("*.yml"))


@pytest.mark.parametrize("path", _test_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_training_example_added_since_the_blind_sets_is_alike_a_test_question(path):
    """Every test question of every set against every training example written since the set
    came (the first blind sets, for sets older than them): earlier ones could not copy it."""
    questions = list(test_questions(path))
    assert questions
    sealed = path in SEALED  # ids only: a training text this close would tell the sealed question
    added = new_examples(training_files_now(), training_files_when_the_set_came(path))
    pairs = leaked_pairs(added, questions)
    shown = sorted({f"{q.where} ~ {e.where}" + ("" if sealed else f" {e.text!r}") for _, e, q in pairs})
    assert not shown, f"{len(shown)} test messages alike a new example (masked):\n" + "\n".join(shown)


def test_the_leakage_check_masks_names_numbers_and_years_and_sees_small_changes():
    """A planted pair: the same question with other offices, places, figures and a typo."""
    training = [Text("data/planted.yml:1", "How many staff does the Gao office have, it opened in 2013?")]
    planted = Text("planted-1", "how many staf does the Tombouctou office have, it opened in 1998 ?")
    elsewhere = Text("planted-2", "Which offices work on child marriage in Kidal?")
    masked = masker()("Le bureau de Tombouctou couvre Ménaka depuis 2013")
    assert masked == "le bureau de OFFICE couvre PLACE depuis NUMBER"
    pairs = leaked_pairs(training, [planted, elsewhere])
    assert [(example.where, question.where) for _, example, question in pairs] == [
        ("data/planted.yml:1", "planted-1")
    ]
    assert not leaked_pairs(training, [planted], threshold=0.999)  # the typo: alike, not equal
    assert not leaked_pairs(training, [Text("short", "Gao?")])  # under MIN_WORDS


def test_an_example_is_new_unless_the_earlier_data_had_it_with_other_names():
    def nlu(*examples: str) -> dict[str, str]:
        lines = "".join(f"    - {e}\n" for e in examples)
        return {"data/nlu.yml": f'version: "3.1"\nnlu:\n- intent: ask\n  examples: |\n{lines}'}

    before = nlu("tell me about [Gao](office)")
    now = nlu("tell me about [Kayes](office)", "how many staf in the Mopti office")
    assert [t.text for t in new_examples(now, before)] == ["how many staf in the Mopti office"]
    assert [t.where for t in training_examples(now)] == ["data/nlu.yml:5", "data/nlu.yml:6"]
