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
        # A plural message (ngettext) has a tuple of ids and one text per plural form.
        ids_of = msgid if isinstance(msgid, tuple) else (msgid,)
        texts = text if isinstance(text, tuple) else (text,)
        for form in texts:
            assert isinstance(form, str) and form.strip(), f"{name}: {msgid!r} is not translated"
            assert placeholders(form) == placeholders(ids_of[-1]), (name, msgid, form)


def test_every_language_has_its_catalogue() -> None:
    for name in CATALOGUES:
        assert (LOCALE / name / "LC_MESSAGES" / "weatherbot.mo").is_file(), name


@pytest.mark.parametrize("code", ["de", "fr", "en"])
def test_a_count_takes_the_plural_form_of_its_number(code: str) -> None:
    # The one plural message ("cached {minutes} minute(s) ago") went with the answer's source
    # line (issue 18: the renderer's provenance line says it once); ngettext stays for the next
    # counted message, and a message a catalogue lacks takes the English form for its count.
    from weatherbot.offline.catalogue import Words

    words = Words(code)
    forms = ("{n} day ahead", "{n} days ahead")
    assert words.ngettext(*forms, 1, n=1) == "1 day ahead"
    assert words.ngettext(*forms, 3, n=3) == "3 days ahead"
