"""Changing a value in the dataset changes the answer, with no retraining."""

from __future__ import annotations

import pytest
import yaml

from actions import dataset as dataset_module
from actions import office_actions as A
from actions.dataset import DEFAULT_PATH


@pytest.fixture
def edited_dataset(tmp_path, monkeypatch):
    """Point the actions at an edited copy of the dataset (as after an edit and restart)."""

    def edit(change):
        raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
        change(raw)
        path = tmp_path / "offices.yml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv(dataset_module.PATH_VARIABLE, str(path))
        dataset_module.get_dataset.cache_clear()

    yield edit
    dataset_module.get_dataset.cache_clear()


def _office(raw, office_id):
    return next(o for o in raw["offices"] if o["id"] == office_id)


def test_a_new_staff_count_is_answered(conversation, language, edited_dataset):
    assert "20" in " ".join(conversation.ask(A.ActionOfficeStaff(), language, entities={"office": "Mopti"}))
    edited_dataset(lambda raw: _office(raw, "mopti").update(staff=23))
    reply = " ".join(conversation.ask(A.ActionOfficeStaff(), language, entities={"office": "Mopti"}))
    assert "23" in reply and "20" not in reply


def test_a_new_issue_for_an_office_is_answered(conversation, language, edited_dataset):
    before = " ".join(conversation.ask(A.ActionOfficesWorkingOn(), language, entities={"issue": "FGM"}))
    assert "Sikasso" not in before
    edited_dataset(lambda raw: _office(raw, "sikasso")["issues"].append("fgm"))
    after = " ".join(conversation.ask(A.ActionOfficesWorkingOn(), language, entities={"issue": "FGM"}))
    assert "Kayes" in after and "Sikasso" in after
