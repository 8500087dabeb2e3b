"""Report locales: CLDR separators and date formats for the PDF, Excel date formats for the XLSX, validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.errors import InvalidInput
from shared.rendering.locale import report_locale, validate_locale
from shared.rendering.rows import display_text


@pytest.mark.parametrize(
    ("tag", "number", "day", "xlsx_date"),
    [
        (None, "1,234,567.50", "2026-12-06", "yyyy-mm-dd"),
        ("pl", "1\u00a0234\u00a0567,50", "6 gru 2026", "d.mm.yyyy"),
        ("de-DE", "1.234.567,50", "06.12.2026", "dd.mm.yyyy"),
        ("en_US", "1,234,567.50", "Dec 6, 2026", "m/d/yyyy"),
        ("fr", "1\u202f234\u202f567,50", "6 déc. 2026", "dd/mm/yyyy"),
        ("ja", "1,234,567.50", "2026/12/06", "yyyy/mm/dd"),
    ],
)
def test_numbers_dates_and_excel_formats_follow_the_locale(
    tag: str | None, number: str, day: str, xlsx_date: str
) -> None:
    locale = report_locale(tag)
    assert display_text(1234567.5, "float", locale.numbers) == number
    assert display_text(date(2026, 12, 6), "date", locale.numbers) == day
    assert locale.xlsx_date == xlsx_date
    assert locale.language_tag == (tag or "en").replace("_", "-")


def test_datetimes_keep_their_zone() -> None:
    polish = report_locale("pl")
    assert polish.moment(datetime(2026, 12, 6, 9, 5, tzinfo=UTC)) == "6 gru 2026 09:05 UTC"
    plus_two = timezone(timedelta(hours=2))
    assert display_text(datetime(2026, 12, 6, 9, 5, tzinfo=plus_two), "datetime", polish.numbers) == (
        "6 gru 2026 09:05+02:00"
    )
    assert report_locale(None).moment(datetime(2026, 12, 6, 9, 5)) == "2026-12-06 09:05"


@pytest.mark.parametrize("tag", ["xx-YY", "klingon", "en_ZZZZZ", "", "../../etc/passwd", "de DE", "e"])
def test_unknown_or_malformed_locales_are_refused(tag: str) -> None:
    with pytest.raises(InvalidInput, match="locale"):
        validate_locale(tag)


def test_locales_are_stored_canonical() -> None:
    assert validate_locale("de-de") == "de_DE"
    assert validate_locale("zh-Hans-CN") == "zh_Hans_CN"
    assert validate_locale(None) is None
