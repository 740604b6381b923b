"""The office dataset holds the page's facts, and a broken file is refused with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.dataset import DEFAULT_PATH, DatasetError, load_dataset

# Typed from UNICEF Mali's "Where we work" page, not from the dataset.
PAGE = {
    "mopti": {"opened": (2008, None), "staff": 20},
    "timbuktu": {"opened": (2016, 1), "staff": 6},
    "gao": {"opened": (2013, None), "staff": 14},
    "kayes": {"opened": (2013, None), "staff": 10},
    "sikasso": {"opened": (2013, None), "staff": 16},
}


def test_five_field_offices_and_one_main_office_in_bamako(dataset):
    assert sorted(o.id for o in dataset.field_offices) == sorted(PAGE)
    assert dataset.main_office.name.en == "Bamako"
    assert dataset.country.since == 1960


@pytest.mark.parametrize("office_id", sorted(PAGE))
def test_opening_and_staff_match_the_page(dataset, office_id):
    office = dataset.office(office_id)
    assert (office.opened.year, office.opened.month) == PAGE[office_id]["opened"]
    assert office.staff == PAGE[office_id]["staff"]


def test_what_the_page_does_not_say_is_not_in_the_dataset(dataset):
    bamako = dataset.main_office
    assert bamako.staff is None and bamako.opened is None
    assert bamako.sectors == [] and bamako.issues == []


def test_gao_also_covers_menaka_and_kidal(dataset):
    assert [dataset.region(r).name.fr for r in dataset.office("gao").regions] == ["Gao", "Ménaka", "Kidal"]


def test_french_names_follow_the_french_page(dataset):
    assert dataset.office("timbuktu").name.fr == "Tombouctou"
    assert dataset.office_kinds.field.fr == "bureau de zone"
    assert dataset.office_kinds.main.fr == "bureau principal"


def test_kayes_does_not_work_on_wash_and_timbuktu_has_no_child_protection(dataset):
    assert "wash" not in dataset.office("kayes").sectors
    assert "child_protection" not in dataset.office("timbuktu").sectors
    assert "c4d" not in dataset.office("sikasso").sectors


@pytest.mark.parametrize(
    "issue, offices",
    [
        ("child_marriage", {"mopti", "kayes"}),
        ("fgm", {"kayes"}),
        ("out_of_school_children", {"mopti", "kayes", "sikasso"}),
        ("severe_acute_malnutrition", {"timbuktu", "gao"}),
        ("community_resilience", {"timbuktu", "gao"}),
        ("school_closures", {"mopti", "gao"}),
        ("open_defecation", {"sikasso"}),
        ("armed_groups", {"gao"}),
    ],
)
def test_offices_by_issue_match_the_page(dataset, issue, offices):
    assert {o.id for o, _ in dataset.offices_with_issues([issue])} == offices


def test_community_led_work_is_kayes_s_and_sikasso_s_only(dataset):
    """Kayes: child marriage and FGM "through community-led change"; Sikasso: "Community-Led
    Total Sanitation". Mopti works on child marriage too, but the page does not say how."""
    topic = dataset.topic("community_led")
    assert set(topic.offices) == {"kayes", "sikasso"}
    assert {o.id for o, _ in dataset.offices_with_issues(topic.issues)} == {"mopti", "kayes", "sikasso"}


def _broken(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "offices.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _office(raw, office_id):
    return next(o for o in raw["offices"] if o["id"] == office_id)


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda raw: _office(raw, "gao").update(staff="fourteen"), ["office 'gao'", "field 'staff'"]),
        (
            lambda raw: _office(raw, "kayes").update(sectors=["wash", "cooking"]),
            ["office 'kayes'", "field 'sectors'", "cooking"],
        ),
        (
            lambda raw: _office(raw, "timbuktu")["opened"].update(month=13),
            ["office 'timbuktu'", "field 'opened.month'"],
        ),
        (lambda raw: _office(raw, "mopti").pop("name"), ["office 'mopti'", "field 'name'"]),
        (lambda raw: _office(raw, "sikasso").update(colour="blue"), ["office 'sikasso'", "field 'colour'"]),
        (
            lambda raw: _office(raw, "sikasso")["how"].update(fgm={"en": "cutting", "fr": "excision"}),
            ["office 'sikasso'", "field 'how'", "fgm"],
        ),
        (
            lambda raw: raw["topics"][-1]["offices"].append("segou"),
            ["topic 'community_led'", "field 'offices'", "segou"],
        ),
        (
            lambda raw: raw["issues"][0]["aliases"]["en"].append("FGM"),
            ["alias 'fgm'", "issue 'displaced_populations'", "issue 'fgm'"],
        ),
    ],
)
def test_a_broken_dataset_is_refused_naming_file_office_and_field(tmp_path, change, expected):
    path = _broken(tmp_path, change)
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    message = str(error.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_a_missing_or_unparsable_file_is_refused(tmp_path):
    with pytest.raises(DatasetError, match="cannot read"):
        load_dataset(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("offices: [unclosed", encoding="utf-8")
    with pytest.raises(DatasetError, match="bad.yml"):
        load_dataset(bad)
