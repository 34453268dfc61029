"""Extract, update and compile the offline answers' gettext catalogues with Babel.

    pip install -e '.[test]'             # Babel comes with the test extra
    python scripts/catalogues.py         # after changing a message in weatherbot/offline/
    python scripts/catalogues.py --check # what CI runs: fails if a catalogue is stale

It writes `weatherbot/offline/data/languages.json` (the language data files as one JSON
bundle, read at run time instead of parsing TOML) and `weatherbot/offline/locale/weatherbot.pot`
from the `_()` / `N_()` calls, merges that into each language's `weatherbot.po` (creating the
file for a new language's data file), and
compiles each `.po` to the `.mo` that weatherbot reads at run time (stdlib gettext: Babel is
not needed to run weatherbot, only to change its catalogues).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from weatherbot.offline.language import BUNDLE, bundle, data_files

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = ROOT / "weatherbot" / "offline"
LOCALE = OFFLINE / "locale"
POT = LOCALE / "weatherbot.pot"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def catalogues() -> list[str]:
    """The catalogue names the language data files ask for (English needs none)."""
    names = []
    for path in sorted((OFFLINE / "languages").glob("*.toml")):
        name = str(tomllib.loads(path.read_text(encoding="utf-8")).get("catalogue", ""))
        if name and name != "en":
            names.append(name)
    return names


def babel(*args: str) -> None:
    """Run one pybabel command."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def compile_mo(po: Path, mo: Path) -> None:
    """Compile one catalogue, byte for byte the same each time: pybabel stamps the current
    time into the .mo's header, so a check in CI would fail a minute later."""
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name)
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    partial = mo.with_suffix(".mo.partial")
    with partial.open("wb") as target:
        write_mo(target, catalog, use_fuzzy=True)
    partial.replace(mo)  # atomic: a weatherbot running meanwhile never reads half a file


def main() -> int:
    """Extract, update and compile; with --check, only say whether that would change a file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a catalogue is stale")
    check = parser.parse_args().check
    LOCALE.mkdir(exist_ok=True)
    babel(
        "extract", "-k", "N_", "--no-location", "--sort-output", "--omit-header",
        "-o", str(POT), str(OFFLINE),
    )  # fmt: skip
    stale: list[str] = []
    # The language data files as one JSON bundle (weatherbot reads it instead of parsing TOML).
    text = bundle(data_files())
    old_bundle = BUNDLE.read_text(encoding="utf-8") if BUNDLE.exists() else ""
    if text != old_bundle:
        BUNDLE.write_text(text, encoding="utf-8")
        stale.append(str(BUNDLE.relative_to(ROOT)))
    for name in catalogues():
        po = LOCALE / name / "LC_MESSAGES" / "weatherbot.po"
        if not po.exists():
            babel("init", "-D", "weatherbot", "-i", str(POT), "-d", str(LOCALE), "-l", name)
        before = po.read_bytes()
        babel(
            "update", "-D", "weatherbot", "-i", str(POT), "-d", str(LOCALE), "-l", name,
            "--no-fuzzy-matching", "--omit-header", "--ignore-obsolete",
        )  # fmt: skip
        if po.read_bytes() != before:
            stale.append(str(po.relative_to(ROOT)))
        mo = po.with_suffix(".mo")
        old = mo.read_bytes() if mo.exists() else b""
        compile_mo(po, mo)
        if mo.read_bytes() != old:
            stale.append(str(mo.relative_to(ROOT)))
    if check and stale:
        print("stale catalogues (run python scripts/catalogues.py):", *stale, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
