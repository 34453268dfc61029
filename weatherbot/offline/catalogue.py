"""The answer's words and numbers in the question's language.

Sentences come from gettext catalogues (`locale/<catalogue>/LC_MESSAGES/weatherbot.mo`,
extracted and compiled with Babel: see README, "Offline planner"); numbers, percentages, dates
and lists follow the language data's `[format]`. English is the catalogue-less fallback.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache
from pathlib import Path

from weatherbot.offline.language import Language, languages

DOMAIN = "weatherbot"
LOCALE_DIR = Path(__file__).parent / "locale"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is used."""
    return message


@cache
def _translation(catalogue: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[catalogue], fallback=True)


class Words:
    """gettext and the number, date and list formats of one language."""

    def __init__(self, code: str) -> None:
        every = languages()
        self.language: Language = every.get(code) or every["en"]
        self.formats = self.language.formats
        self._gettext = _translation(self.language.catalogue).gettext
        self._ngettext = _translation(self.language.catalogue).ngettext
        self.clause_sep = self.formats.clause_sep
        self.full_stop = self.formats.full_stop
        self.colon = self.formats.colon

    def _(self, message: str, /, **values: object) -> str:
        """The message in this language, with `values` filled in."""
        text = self._gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The message for the count `n` in this language's plural forms, values filled in."""
        return self._ngettext(singular, plural, n).format(**values)

    def number(self, value: float, decimals: int = 1) -> str:
        """A number with the locale's decimal separator."""
        text = f"{value:.{decimals}f}"
        return text.replace(".", self.formats.decimal) if decimals else text

    def amount(self, value: float) -> str:
        """A precipitation amount: as few decimals as it has (2 mm, 0.02 in)."""
        return f"{value:g}".replace(".", self.formats.decimal)

    def percent(self, value: float) -> str:
        """ "57%" or "57 %", as the locale writes it."""
        return self.formats.percent.format(n=round(value))

    def degrees(self, value: float, unit: object) -> str:
        """ "12.5 °C" in the locale's way."""
        symbol = "°F" if unit == "Fahrenheit" else "°C"
        return self.formats.degrees.format(n=self.number(value), symbol=symbol)

    def day(self, when: dt.date) -> str:
        """A day with its weekday: "2026-11-28 (Sat)", "sáb 28 nov", "11月28日（周六）"."""
        return self._date(self.formats.date, when)

    def date(self, when: dt.date) -> str:
        """A date without a weekday where the locale has a short form."""
        return self._date(self.formats.date_short or self.formats.date, when)

    def _date(self, pattern: str, when: dt.date) -> str:
        return pattern.format(
            iso=when.isoformat(),
            day=when.day,
            month=self.formats.months[when.month - 1],
            weekday=self.formats.weekdays[when.weekday()],
            year=when.year,
        )

    def time(self, moment: dt.datetime) -> str:
        """A local time with its date: "2026-11-24 14:30" in English."""
        return f"{self.date(moment.date())} {moment:%H:%M}"

    def clock(self, moment: dt.datetime) -> str:
        """A local time of day in the locale's way: "16:28", "16 h 28", "16時28分"."""
        return self.formats.clock.format(
            hh=f"{moment.hour:02d}", h=moment.hour, mm=f"{moment.minute:02d}"
        )

    def bracketed(self, text: str, aside: str) -> str:
        """ "Sat 7 Feb (2 cm)", or with full-width brackets where the dates have them."""
        return self.formats.bracket.format(a=text, b=aside)

    def join(self, items: list[str]) -> str:
        """ "A, B and C" in the locale's way."""
        if len(items) <= 1:
            return "".join(items)
        head = self.formats.list_sep.join(items[:-1])
        return self.formats.list_and.format(a=head, b=items[-1])
