"""A report's locale: how its numbers and dates read in the PDF and which date formats its XLSX cells get, from
Babel's CLDR data. No locale (the default) keeps the house format: "1,234.50", ISO dates, English.

A locale is a BCP 47 / CLDR tag such as `pl`, `de-DE`, `pt_BR`, `ja` or `zh-Hans-CN`; an unknown one is refused with
`InvalidInput` (a 422 at the API) by `validate_locale`, which models call."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

from shared.errors import InvalidInput
from shared.rendering.rows import DEFAULT_NUMBERS, NumberFormat, zone_suffix

if TYPE_CHECKING:
    from babel import Locale

DEFAULT_LANGUAGE = "en"
XLSX_DATE = "yyyy-mm-dd"
XLSX_DATETIME = "yyyy-mm-dd h:mm:ss"
_TAG = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,3}$")


@dataclass(frozen=True)
class ReportLocale:
    tag: str | None
    """The canonical CLDR name (`de_DE`), None for the house default."""
    language_tag: str
    """BCP 47, for the PDF's /Lang (`de-DE`)."""
    numbers: NumberFormat
    xlsx_date: str
    xlsx_datetime: str

    def moment(self, value: datetime) -> str:
        """A datetime as the title page shows it (to the minute, with its zone)."""
        if self.numbers.moment_text is not None:
            return self.numbers.moment_text(value)
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()


def parse_locale(tag: str) -> Locale:
    """Babel's locale for `tag`, or InvalidInput naming it."""
    from babel import Locale, UnknownLocaleError  # imported when a report has a locale (cold start)

    if not _TAG.match(tag):
        raise InvalidInput(f"locale {tag!r} is not a locale tag such as 'pl', 'de-DE' or 'pt_BR'")
    parts = tag.replace("-", "_").split("_")
    try:
        locale = Locale.parse("_".join(parts))
    except (UnknownLocaleError, ValueError) as error:
        raise InvalidInput(f"locale {tag!r} is unknown") from error
    if len(str(locale).split("_")) < len(parts):
        raise InvalidInput(f"locale {tag!r} is unknown (CLDR knows {str(locale)!r} only)")
    return locale


def validate_locale(tag: str | None) -> str | None:
    """`tag` in its canonical form (`de-de` → `de_DE`), None kept; InvalidInput for an unknown locale."""
    return None if tag is None else str(parse_locale(tag))


def locale_field(tag: str | None) -> str | None:
    """`validate_locale` for a pydantic field validator: an unknown locale is a ValueError (a 422 at the API)."""
    try:
        return validate_locale(tag)
    except InvalidInput as error:
        raise ValueError(str(error)) from error


def _excel_date_format(pattern: str) -> str:
    """A CLDR date pattern ("dd.MM.yy") as an Excel number format with a four-digit year ("dd.mm.yyyy")."""
    out: list[str] = []
    for match in re.finditer(r"'([^']*)'|(([A-Za-z])\3*)|(.)", pattern):
        quoted, letters, letter, other = match.group(1), match.group(2), match.group(3), match.group(4)
        if quoted is not None:
            out.append(f'"{quoted}"' if quoted else "'")
        elif letters:
            if letter == "y":
                out.append("yyyy")
            elif letter in ("M", "d"):
                out.append(letter.lower() * min(len(letters), 2))
            # other fields (era, weekday) are left out of a numeric cell format
        elif other is not None:
            out.append(other if other in " ./-," else f'"{other}"')
    return "".join(out).strip() or XLSX_DATE


@cache
def report_locale(tag: str | None) -> ReportLocale:
    """The formats of locale `tag` (None: the house default); InvalidInput for an unknown locale."""
    if tag is None:
        return ReportLocale(None, DEFAULT_LANGUAGE, DEFAULT_NUMBERS, XLSX_DATE, XLSX_DATETIME)
    from babel.dates import format_date, format_time, get_date_format
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = parse_locale(tag)

    def date_text(value: date) -> str:
        return format_date(value, "medium", locale=locale)

    def moment_text(value: datetime) -> str:
        return f"{format_date(value, 'medium', locale=locale)} {format_time(value, 'short', locale=locale)}" + (
            zone_suffix(value)
        )

    numbers = NumberFormat(
        group=get_group_symbol(locale), decimal=get_decimal_symbol(locale), date_text=date_text, moment_text=moment_text
    )
    xlsx_date = _excel_date_format(get_date_format("short", locale=locale).pattern)
    return ReportLocale(str(locale), str(locale).replace("_", "-"), numbers, xlsx_date, f"{xlsx_date} hh:mm")
