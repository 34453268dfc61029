"""The embedded gazetteer: names in several languages and scripts, countries, regions, speed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from weatherbot.offline.gazetteer import Entry, Gazetteer, default_path, fold, load

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load()


def first(gazetteer: Gazetteer, name: str) -> Entry:
    found = gazetteer.lookup(name)
    assert found, name
    return found[0]


@pytest.mark.parametrize(
    "name",
    ["München", "Munich", "Múnich", "Munique", "munchen", "MUENCHEN", "慕尼黑", "ミュンヘン"],
)
def test_munich_in_every_language(gazetteer: Gazetteer, name: str) -> None:
    munich = first(gazetteer, name)
    assert (munich.name, munich.country_code, munich.kind) == ("Munich", "DE", "city")
    assert munich.display_name == "Munich, Bavaria, Germany"
    assert munich.timezone == "Europe/Berlin"
    assert munich.latitude == pytest.approx(48.137, abs=0.01)


@pytest.mark.parametrize(
    ("name", "city", "country"),
    [
        ("Tokio", "Tokyo", "JP"),
        ("東京", "Tokyo", "JP"),
        ("倫敦", "London", "GB"),
        ("伦敦", "London", "GB"),
        ("ロンドン", "London", "GB"),
        ("紐約", "New York City", "US"),
        ("纽约", "New York City", "US"),  # not in GeoNames: simplified through OpenCC
        ("臺北", "Taipei", "TW"),  # GeoNames has 台北 and 臺北市
        ("桃園", "Taoyuan", "TW"),  # GeoNames has 桃園市
        ("横浜", "Yokohama", "JP"),
        ("Londres", "London", "GB"),
        ("sao paulo", "São Paulo", "BR"),
        ("Saint-Étienne", "Saint-Étienne", "FR"),
        ("saint etienne", "Saint-Étienne", "FR"),
        ("st. louis", "St. Louis", "US"),
        ("Zürich", "Zürich", "CH"),
        ("Bombay", "Mumbai", "IN"),
    ],
)
def test_names_find_the_big_city(gazetteer: Gazetteer, name: str, city: str, country: str) -> None:
    found = first(gazetteer, name)
    assert (found.name, found.country_code) == (city, country)


def test_an_abbreviation_is_case_sensitive_through_exact(gazetteer: Gazetteer) -> None:
    nyc = gazetteer.exact("NYC")
    assert [(e.name, e.country_code, e.abbreviation) for e in nyc] == [
        ("New York City", "US", True)
    ]
    assert gazetteer.exact("nyc") == []
    # lookup folds everything, abbreviations included, and says how it matched.
    assert [(e.name, e.abbreviation) for e in gazetteer.lookup("nyc")] == [("New York City", True)]
    assert [e.name for e in gazetteer.exact("SF")] == ["San Francisco"]
    assert all(not e.abbreviation or e.name != "Los Angeles" for e in gazetteer.exact("la"))
    assert [e.display_name for e in gazetteer.exact("D.C.")] == [
        "Washington, District of Columbia, United States"
    ]


def test_a_plain_name_is_not_flagged_as_an_abbreviation(gazetteer: Gazetteer) -> None:
    assert not first(gazetteer, "New York").abbreviation
    assert first(gazetteer, "New York").name == "New York City"


def test_paris_is_french_first_and_texan_too(gazetteer: Gazetteer) -> None:
    found = gazetteer.lookup("Paris")
    assert (found[0].name, found[0].country_code) == ("Paris", "FR")
    assert any(e.country_code == "US" and e.admin1 == "Texas" for e in found)
    assert [e.population for e in found] == sorted((e.population for e in found), reverse=True)


def test_springfield_is_several_american_cities(gazetteer: Gazetteer) -> None:
    american = [e for e in gazetteer.lookup("Springfield") if e.country_code == "US"]
    assert len(american) >= 3
    assert len({e.admin1 for e in american}) == len(american)
    # Comparable: no single Springfield dwarfs the next one.
    assert american[1].population * 2 > american[0].population


@pytest.mark.parametrize(
    "name",
    ["Deutschland", "Alemania", "Allemagne", "Alemanha", "Germany", "德国", "德國", "ドイツ"],
)
def test_country_names_in_many_languages(gazetteer: Gazetteer, name: str) -> None:
    assert gazetteer.country_code(name) == "DE"


def test_country_entries(gazetteer: Gazetteer) -> None:
    japan = next(e for e in gazetteer.lookup("Japan") if e.kind == "country")
    assert (japan.country, japan.country_code, japan.display_name) == ("Japan", "JP", "Japan")
    assert japan.timezone == "Asia/Tokyo"  # placed at its capital
    assert japan.population > 100_000_000
    assert gazetteer.country_code("Munich") is None
    # ISO2 codes are not names: "IN", "DE" are words.
    assert gazetteer.country_code("DE") is None
    assert gazetteer.country_code("IN") is None


def test_regions(gazetteer: Gazetteer) -> None:
    california = gazetteer.region("CA", "US")
    assert california is not None
    assert (california.name, california.kind, california.code) == ("California", "region", "CA")
    assert california.display_name == "California, United States"
    bavaria = gazetteer.region("Bavaria")
    assert bavaria is not None and bavaria.country_code == "DE"
    assert gazetteer.region("Bavaria", "FR") is None
    assert gazetteer.region("Nowhere Land") is None
    # A code needs its country: alone, "IN" or "ME" are words.
    assert gazetteer.region("IN") is None
    indiana = gazetteer.region("IN", "US")
    assert indiana is not None and indiana.name == "Indiana"
    assert gazetteer.region("ca", "US") is None
    # A postal code is not a searchable name.
    assert all(e.kind != "region" for e in gazetteer.lookup("CA"))


def test_a_city_outranks_its_namesake_region(gazetteer: Gazetteer) -> None:
    kinds = [e.kind for e in gazetteer.lookup("Tokyo")]
    assert kinds[0] == "city" and "region" in kinds
    assert first(gazetteer, "Washington").admin1 == "District of Columbia"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("São Paulo", "sao paulo"),
        ("München", "munchen"),
        ("St. Louis", "st louis"),
        ("Saint-Étienne", "saint etienne"),
        ("Xi'an", "xian"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("  New   York ", "new york"),
        ("ＮＹＣ", "nyc"),
        ("東京", "東京"),
        ("ガンダム", "ガンダム"),
        ("서울", "서울"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("word", ["Wie", "Wetter", "UV", "weather", "Tomorrow", "heute", "morgen"])
def test_common_words_are_not_big_cities(gazetteer: Gazetteer, word: str) -> None:
    assert [e.name for e in gazetteer.lookup(word) if e.population > 100_000] == []


def test_scanner_helpers(gazetteer: Gazetteer) -> None:
    assert gazetteer.max_words >= 3  # "rio de janeiro"
    assert gazetteer.max_chars >= 4  # "サンフランシスコ" is longer still
    assert gazetteer.has_prefix("new")
    assert gazetteer.has_prefix("rio de")
    assert not gazetteer.has_prefix("new york city")
    assert not gazetteer.has_prefix("zzqx")
    assert gazetteer.lookup("") == [] and gazetteer.lookup("  ") == []
    assert gazetteer.lookup("Qwxzvbnm") == []


def test_the_index_is_small() -> None:
    assert os.path.getsize(default_path()) < 5 * 1024 * 1024


def test_the_data_is_attributed() -> None:
    text = (Path(default_path()).parent / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "GeoNames" in text and "CC BY 4.0" in text and "https://www.geonames.org/" in text


def test_a_fresh_process_loads_it() -> None:
    code = (
        "from weatherbot.offline.gazetteer import load; "
        "print(load().lookup('London')[0].display_name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "London, England, United Kingdom"
