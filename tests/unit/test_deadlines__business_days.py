"""Business-day plazos (Ley 19.880 art. 25) with Chilean national and regional holidays."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import holidays
import pytest

from engine.deadlines import (
    REGION_SUBDIVISIONS,
    DueStatus,
    Elapsed,
    add_business_days,
    add_calendar_days,
    business_days_between,
    calendar_days_between,
    due_status,
    elapsed,
    end_of_day,
    is_business_day,
    local_date,
)

COMUNAS_CSV = Path(__file__).resolve().parents[2] / "engine" / "refdata" / "comunas_cl.csv"


def test_ground_truth_reclamo_received_2020_11_12_is_due_2020_12_11() -> None:
    # 8 December (Inmaculada Concepción) falls inside the plazo and is skipped.
    assert add_business_days(date(2020, 11, 12), 20, "13") == date(2020, 12, 11)
    assert business_days_between(date(2020, 11, 12), date(2020, 12, 11), "13") == 20


def test_zero_days_returns_the_start_even_on_a_weekend() -> None:
    assert add_business_days(date(2024, 3, 2), 0, "13") == date(2024, 3, 2)


def test_plazo_crossing_a_weekend() -> None:
    assert add_business_days(date(2024, 3, 1), 5, "13") == date(2024, 3, 8)  # Fri → next Fri
    assert add_business_days(date(2024, 3, 8), 1, "13") == date(2024, 3, 11)  # Fri → Mon
    assert add_business_days(date(2024, 3, 2), 1, "13") == date(2024, 3, 4)  # received Saturday
    assert add_business_days(date(2024, 3, 11), -1, "13") == date(2024, 3, 8)  # backwards over it


def test_fiestas_patrias_2024_skip_the_18th_19th_and_the_extra_20th() -> None:
    assert [is_business_day(date(2024, 9, d)) for d in (17, 18, 19, 20, 23)] == [
        True,
        False,
        False,
        False,
        True,
    ]
    assert add_business_days(date(2024, 9, 17), 1, "05") == date(2024, 9, 23)
    assert add_business_days(date(2024, 9, 13), 5, "05") == date(2024, 9, 25)
    # In 2023 the 20th was an ordinary Wednesday.
    assert is_business_day(date(2023, 9, 20))
    assert add_business_days(date(2023, 9, 15), 3, "05") == date(2023, 9, 22)


def test_arica_asalto_y_toma_del_morro_only_in_region_15() -> None:
    received = date(2024, 6, 6)  # Thursday; 7 June 2024 is a Friday
    assert add_business_days(received, 1, "15") == date(2024, 6, 10)
    assert add_business_days(received, 1, "13") == date(2024, 6, 7)
    assert add_business_days(received, 1) == date(2024, 6, 7)
    assert business_days_between(received, date(2024, 6, 10), "15") == 1
    assert business_days_between(received, date(2024, 6, 10), "13") == 2


def test_arica_holiday_starts_in_2013_as_the_holidays_package_says() -> None:
    # Ley 20.663 (2013); 7 June 2012 (Thursday) was a normal working day in Arica.
    assert date(2013, 6, 7) in holidays.country_holidays("CL", subdiv="AP", years=2013)
    assert not is_business_day(date(2013, 6, 7), "15")
    assert is_business_day(date(2012, 6, 7), "15")


def test_nuble_20_august_changes_the_due_date_against_biobio() -> None:
    received = date(2024, 8, 19)  # Monday; 20 August 2024 is a Tuesday
    assert add_business_days(received, 10, "16") == date(2024, 9, 3)
    assert add_business_days(received, 10, "08") == date(2024, 9, 2)
    assert not is_business_day(date(2024, 8, 20), "16")
    assert is_business_day(date(2024, 8, 20), "08")


@pytest.mark.parametrize("region", [None, "13", "15", "16"])
def test_round_trip_between_adding_and_counting(region: str | None) -> None:
    start = date(2023, 1, 1)
    for offset in range(0, 3 * 365, 5):
        s = start + timedelta(days=offset)
        for n in (0, 1, 2, 5, 10, 20, 25, 40):
            due = add_business_days(s, n, region)
            assert business_days_between(s, due, region) == n, (s, n)
            assert is_business_day(due, region) or n == 0


def test_counting_agrees_with_checking_each_day() -> None:
    start = date(2024, 1, 1)
    for length in range(0, 400, 7):
        end = start + timedelta(days=length)
        naive = sum(1 for k in range(1, length + 1) if is_business_day(start + timedelta(days=k), "13"))
        assert business_days_between(start, end, "13") == naive


def test_negative_days_mirror_positive_days_from_a_business_day() -> None:
    due = date(2020, 12, 11)
    for n in range(1, 30):
        assert add_business_days(add_business_days(due, -n, "13"), n, "13") == due
    assert add_business_days(due, -20, "13") == date(2020, 11, 12)


def test_counting_is_zero_when_end_is_not_after_start() -> None:
    assert business_days_between(date(2024, 3, 8), date(2024, 3, 8)) == 0
    assert business_days_between(date(2024, 3, 8), date(2024, 3, 1)) == 0


def test_calendar_days() -> None:
    assert add_calendar_days(date(2024, 2, 27), 3) == date(2024, 3, 1)  # leap year
    assert add_calendar_days(date(2024, 3, 1), -1) == date(2024, 2, 29)
    assert calendar_days_between(date(2020, 11, 12), date(2020, 12, 11)) == 29
    assert calendar_days_between(date(2020, 12, 11), date(2020, 11, 12)) == -29


def test_due_status_boundaries() -> None:
    opened, due = date(2020, 11, 12), date(2020, 12, 11)  # 20 business days; 80 % = 16
    assert due_status(opened, due, opened, "13") is DueStatus.ON_TIME
    assert due_status(opened, due, date(2020, 12, 3), "13") is DueStatus.ON_TIME  # 15 used
    assert due_status(opened, due, date(2020, 12, 4), "13") is DueStatus.DUE_SOON  # 16 used
    assert due_status(opened, due, due, "13") is DueStatus.DUE_SOON
    assert due_status(opened, due, date(2020, 12, 12), "13") is DueStatus.OVERDUE
    assert due_status(opened, due, date(2020, 12, 4), "13", warn_at=0.9) is DueStatus.ON_TIME
    assert due_status(opened, due, due, "13", warn_at=1.0) is DueStatus.DUE_SOON


def test_due_status_values_and_labels() -> None:
    assert [(s.value, s.label) for s in DueStatus] == [
        ("en_plazo", "en plazo"),
        ("por_vencer", "por vencer"),
        ("fuera_de_plazo", "fuera de plazo"),
    ]
    assert DueStatus("fuera_de_plazo") == "fuera_de_plazo"


def test_due_status_refuses_a_warning_threshold_outside_zero_and_one() -> None:
    with pytest.raises(ValueError, match="entre 0 y 1"):
        due_status(date(2024, 1, 1), date(2024, 2, 1), date(2024, 1, 15), warn_at=80)


def test_elapsed_counts_business_and_calendar_days() -> None:
    assert elapsed(date(2020, 11, 12), date(2020, 12, 11), "13") == Elapsed(business=20, calendar=29)
    assert elapsed(date(2024, 3, 8), date(2024, 3, 11)) == Elapsed(business=1, calendar=3)
    assert elapsed(date(2024, 3, 8), date(2024, 3, 1)) == Elapsed(business=0, calendar=0)


def test_end_of_day_is_the_last_second_in_chile() -> None:
    winter = end_of_day(date(2024, 7, 15))
    assert winter.isoformat() == "2024-07-15T23:59:59-04:00"
    assert end_of_day(date(2024, 1, 15)).isoformat() == "2024-01-15T23:59:59-03:00"
    assert local_date(winter) == date(2024, 7, 15)
    assert local_date(winter + timedelta(seconds=1)) == date(2024, 7, 16)


def test_end_of_day_when_daylight_saving_ends_takes_the_second_23h() -> None:
    # On 6 April 2024 Chilean clocks went back from 24:00 to 23:00: the day ended at 04:00 UTC.
    last = end_of_day(date(2024, 4, 6))
    assert last.astimezone(UTC) == datetime(2024, 4, 7, 3, 59, 59, tzinfo=UTC)
    assert local_date(last) == date(2024, 4, 6)


def test_local_date_converts_utc_to_chile_and_refuses_naive() -> None:
    assert local_date(datetime(2024, 1, 16, 2, 30, tzinfo=UTC)) == date(2024, 1, 15)
    assert local_date(datetime(2024, 1, 16, 3, 30, tzinfo=UTC)) == date(2024, 1, 16)
    with pytest.raises(ValueError, match="zona horaria"):
        local_date(datetime(2024, 1, 16, 12, 0))


@pytest.mark.parametrize("region", ["99", "RM", "1", ""])
def test_unknown_region_is_refused_in_spanish(region: str) -> None:
    with pytest.raises(ValueError, match="región desconocida"):
        is_business_day(date(2024, 3, 2), region)  # a Saturday: refused even when the answer is obvious
    with pytest.raises(ValueError, match="región desconocida"):
        add_business_days(date(2024, 3, 1), 0, region)
    with pytest.raises(ValueError, match="región desconocida"):
        business_days_between(date(2024, 3, 2), date(2024, 3, 1), region)
    with pytest.raises(ValueError, match="región desconocida"):
        due_status(date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 5), region)


def test_region_table_covers_every_region_of_the_comunas_reference_data() -> None:
    with COMUNAS_CSV.open(encoding="utf-8") as f:
        regions = {row["region_code"] for row in csv.DictReader(f)}
    assert regions == set(REGION_SUBDIVISIONS)
    assert set(REGION_SUBDIVISIONS.values()) == set(holidays.country_holidays("CL").subdivisions)
