"""The offline answers' catalogues: every message translated, every placeholder kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from weatherbot.offline.language import languages

LOCALE = Path(__file__).resolve().parents[2] / "weatherbot" / "offline" / "locale"
CATALOGUES = sorted({lang.catalogue for lang in languages().values()} - {"en"})


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_message_is_translated_with_its_placeholders(name: str) -> None:
    with (LOCALE / name / "LC_MESSAGES" / "weatherbot.po").open("rb") as source:
        catalog = read_po(source, locale=name)
    with (LOCALE / "weatherbot.pot").open("rb") as source:
        template = read_po(source)
    ids = {m.id for m in template if m.id}
    translated = {m.id: m.string for m in catalog if m.id}
    assert ids <= set(translated), sorted(ids - set(translated))
    for msgid, text in translated.items():
        assert isinstance(msgid, str) and isinstance(text, str)
        assert text.strip(), f"{name}: {msgid!r} is not translated"
        assert placeholders(text) == placeholders(msgid), (name, msgid, text)


def test_every_language_has_its_catalogue() -> None:
    for name in CATALOGUES:
        assert (LOCALE / name / "LC_MESSAGES" / "weatherbot.mo").is_file(), name
