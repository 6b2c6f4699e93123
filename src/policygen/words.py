"""The words a reader sees, in the publication's language: one gettext catalogue per language.

English is the source language: every msgid is the English text itself, so English needs no
catalogue and a missing translation falls back to readable English. Another language is a
file catalogue/<language>.po beside this module (made from catalogue/messages.pot by `make
messages`), read as it is: no compiled .mo to keep in step, nothing to run in a fresh clone.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

SOURCE_LANGUAGE = "en-GB"


class Words:
    """The translations and the Babel locale (for dates and numbers) of one language."""

    __slots__ = ("_translations", "_locale")

    def __init__(self, translations: NullTranslations, locale: Locale) -> None:
        self._translations = translations
        self._locale = locale

    def gettext(self, message: str, **values: object) -> str:
        """The message in this language, its %(name)s places filled (a literal % is %%)."""
        return self.lookup(message) % values

    def pgettext(self, context: str, message: str, **values: object) -> str:
        """As gettext, for a message whose translation depends on where it stands (Welsh
        mutates a word after "o", from: "canllawiau" alone, "o ganllawiau")."""
        return str(self._translations.pgettext(context, message)) % values

    def ngettext(self, singular: str, plural: str, number: int, **values: object) -> str:
        """The singular or plural form for `number`, which fills %(num)d."""
        return self.lookup_plural(singular, plural, number) % {"num": number, **values}

    def lookup(self, message: str) -> str:
        """The translation with its places still empty (Jinja's gettext fills them)."""
        return self._translations.gettext(message)

    def lookup_plural(self, singular: str, plural: str, number: int) -> str:
        return self._translations.ngettext(singular, plural, number)

    def decimal(self, number: str) -> str:
        """A number already rounded ("1.2"), written with this language's decimal mark."""
        return format_decimal(Decimal(number), locale=self._locale, decimal_quantization=False)

    def date(self, value: date) -> str:
        """14 September 2026: day, month name and year, in this language."""
        return format_date(value, "d MMMM y", locale=self._locale)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention, known to pybabel extract
    """Marks a message for the catalogue where it is defined; it is translated where used."""
    return message


def catalogue_dir() -> Path:
    """The shipped catalogues: inside the package, so that the wheel carries them and the
    build's input hash (made of policygen's own files) changes with a translation."""
    return _CATALOGUES


_CATALOGUES = Path(__file__).parent / "catalogue"  # made once: every word on a page asks


def words_for(language: str) -> Words:
    """The words of a language tag (en-GB, cy): its catalogue, else English."""
    return _words(catalogue_dir(), language)


@cache
def _words(folder: Path, language: str) -> Words:
    # Cached per folder, so that a test may point catalogue_dir at catalogues of its own.
    return Words(_translations(folder, language), _locale(language))


def _translations(folder: Path, language: str) -> NullTranslations:
    """cy-GB.po, else cy.po; none for English, whose msgids are the text."""
    primary = language.split("-")[0]
    for name in dict.fromkeys([language, primary]):
        po = folder / f"{name}.po"
        if po.is_file():
            return _from_po(po)
    return NullTranslations()


def _from_po(po: Path) -> Translations:
    """A .po read directly, made into gettext translations in memory (fuzzy entries left out)."""
    with po.open("rb") as source:
        catalog = read_po(source)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def _locale(language: str) -> Locale:
    """The Babel locale of a language tag; British English where Babel does not know it."""
    for tag in (language, language.split("-")[0]):
        try:
            return Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            continue
    return Locale.parse(SOURCE_LANGUAGE, sep="-")


SOURCE = words_for(SOURCE_LANGUAGE)


def long_date(value: date, words: Words = SOURCE) -> str:
    """14 September 2026 (Babel's "d MMMM y"): the form UK readers expect, no leading zero."""
    return words.date(value)


def language_name(language: str, in_language: str = SOURCE_LANGUAGE) -> str:
    """A language's name in another (Welsh, in English) or its own (Cymraeg, in Welsh); the
    tag itself where Babel does not know the language."""
    name = _locale(language).get_language_name(_locale(in_language)) if _known(language) \
        else None
    return name[:1].upper() + name[1:] if name else language


def _known(language: str) -> bool:
    return any(_parses(tag) for tag in (language, language.split("-")[0]))


def _parses(tag: str) -> bool:
    try:
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True
