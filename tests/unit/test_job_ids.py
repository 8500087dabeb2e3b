from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.delivery.service import delivery_id_for
from shared.errors import InvalidInput
from shared.jobs.logic import job_id_for, normalise_slot
from shared.pipeline.spec import period_of


def test_a_slot_has_one_job_id_however_its_time_is_spelled() -> None:
    spellings = [
        "2026-11-23T14:00:00Z",
        "2026-11-23T14:00:00.000Z",
        "2026-11-23T09:00:00-05:00",
        datetime(2026, 11, 23, 14, tzinfo=UTC),
        datetime(2026, 11, 23, 15, tzinfo=timezone(timedelta(hours=1))),
    ]
    assert len({job_id_for("sub_1", s) for s in spellings}) == 1
    assert job_id_for("sub_1", spellings[0]) != job_id_for("sub_2", spellings[0])
    assert job_id_for("sub_1", spellings[0]) != job_id_for("sub_1", "2026-11-30T14:00:00Z")
    assert job_id_for("sub_1", spellings[0]).startswith("job_")


def test_a_slot_without_timezone_or_not_a_time_is_refused() -> None:
    with pytest.raises(InvalidInput):
        normalise_slot("2026-11-23T14:00:00")
    with pytest.raises(InvalidInput):
        normalise_slot("next monday")


def test_delivery_ids_are_per_job_channel_and_recipient() -> None:
    assert delivery_id_for("job_1", "email", "A@x.com") == delivery_id_for("job_1", "email", "a@x.com ")
    assert delivery_id_for("job_1", "email", "a@x.com") != delivery_id_for("job_2", "email", "a@x.com")
    assert delivery_id_for("job_1", "email", "a@x.com") != delivery_id_for("job_1", "slack", "a@x.com")


def test_last_week_is_the_previous_monday_to_sunday_in_the_subscription_timezone() -> None:
    monday_9_ny = datetime(2026, 11, 23, 14, tzinfo=UTC)
    assert period_of("last_week", monday_9_ny, "America/New_York").label == "2026-11-16 to 2026-11-22"
    sunday_late_ny = datetime(2026, 11, 23, 3, tzinfo=UTC)
    assert period_of("last_week", sunday_late_ny, "America/New_York").label == "2026-11-09 to 2026-11-15"
    assert period_of("last_week", sunday_late_ny, "Europe/London").label == "2026-11-16 to 2026-11-22"
    assert period_of("last_7_days", monday_9_ny, "UTC").label == "2026-11-16 to 2026-11-22"
    assert period_of("month_to_date", monday_9_ny, "UTC").label == "2026-11-01 to 2026-11-23"
