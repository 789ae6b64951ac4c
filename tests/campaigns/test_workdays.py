"""The working-day calendar: weekends off unless a make-up day, holidays off; seeded for 2026."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import Role, make_tree, make_user
from unionportal.campaigns.models import CalendarDay
from unionportal.campaigns.workdays import add_working_days, is_workday, working_days_between

pytestmark = pytest.mark.django_db


def test_the_2026_schedule_is_seeded_as_exceptions_only():
    days = {d.date: (d.is_workday, d.note) for d in CalendarDay.objects.filter(date__year=2026)}
    assert len(days) == 25
    assert days[date(2026, 1, 4)] == (True, "元旦调休上班")
    assert days[date(2026, 10, 7)] == (False, "国庆节")
    # A holiday that falls on a weekend anyway needs no row.
    assert date(2026, 1, 3) not in days and date(2026, 10, 3) not in days
    assert all((day.weekday() < 5) != workday for day, (workday, _note) in days.items())


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), False),  # 元旦, Thursday
        (date(2026, 1, 4), True),  # make-up Sunday
        (date(2026, 2, 14), True),  # make-up Saturday before 春节
        (date(2026, 2, 23), False),  # last day of 春节, Monday
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # make-up Saturday after 春节
        (date(2026, 4, 6), False),  # 清明, Monday
        (date(2026, 5, 5), False),  # 劳动节, Tuesday
        (date(2026, 5, 9), True),  # make-up Saturday
        (date(2026, 6, 19), False),  # 端午, Friday
        (date(2026, 9, 20), True),  # make-up Sunday before 国庆
        (date(2026, 9, 25), False),  # 中秋, Friday
        (date(2026, 10, 3), False),  # Saturday inside 国庆
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # make-up Saturday after 国庆
        (date(2026, 10, 11), False),  # an ordinary Sunday
        (date(2026, 11, 30), True),  # an ordinary Monday
    ],
)
def test_is_workday(day, expected):
    assert is_workday(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 4, 30), 1, date(2026, 5, 6)),  # over 劳动节 (5月1日–5日)
        (date(2026, 5, 2), 1, date(2026, 5, 6)),  # starting on a holiday Saturday
        (date(2026, 5, 8), 1, date(2026, 5, 9)),  # the make-up Saturday counts
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # so does the one before 春节
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # …and then nine days off
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # the make-up Sunday before 国庆
        (date(2026, 9, 25), 5, date(2026, 10, 9)),  # from the 中秋 Friday: 28, 29, 30 Sep, 8, 9 Oct
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Friday → make-up Saturday
        (date(2026, 11, 27), 5, date(2026, 12, 4)),  # an ordinary week
        (date(2026, 4, 30), 0, date(2026, 4, 30)),
        (date(2026, 5, 6), -1, date(2026, 4, 30)),  # backwards, over the same holiday
        (date(2026, 6, 30), -3, date(2026, 6, 25)),
        (date(2026, 10, 9), -3, date(2026, 9, 29)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_fetches_the_exceptions_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        # 28, 29, 30 Sep; 8, 9, 10 (make-up Saturday) Oct; then three full weeks and four days.
        assert add_working_days(date(2026, 9, 25), 20) == date(2026, 10, 29)
    with django_assert_num_queries(1):
        # 2026 has 261 weekdays, 19 of them holidays, and 6 make-up days: 248 working days.
        assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248
    with django_assert_num_queries(1):
        assert add_working_days(date(2026, 1, 5), 245) == date(2026, 12, 30)


def test_a_closure_longer_than_the_window_is_still_counted_right():
    # Six weeks off (an exceptional closure entered by hand): the count goes on past the first window.
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date.fromordinal(d), is_workday=False, note="closure")
        for d in range(date(2026, 7, 1).toordinal(), date(2026, 8, 12).toordinal())
        if date.fromordinal(d).weekday() < 5
    )
    assert add_working_days(date(2026, 6, 30), 1) == date(2026, 8, 12)
    assert add_working_days(date(2026, 8, 12), -1) == date(2026, 6, 30)


def test_a_day_added_in_the_calendar_moves_the_deadline():
    assert add_working_days(date(2026, 6, 30), 1) == date(2026, 7, 1)
    CalendarDay.objects.create(date=date(2026, 7, 1), is_workday=False, note="临时放假")
    assert add_working_days(date(2026, 6, 30), 1) == date(2026, 7, 2)


def test_working_days_between():
    assert working_days_between(date(2026, 4, 30), date(2026, 5, 6)) == 1
    assert working_days_between(date(2026, 9, 25), date(2026, 10, 9)) == 5
    assert working_days_between(date(2026, 10, 9), date(2026, 10, 9)) == 0
    assert working_days_between(date(2026, 10, 9), date(2026, 10, 1)) == 0


@pytest.mark.parametrize(
    ("day", "workday", "message"),
    [
        (date(2026, 7, 1), True, "2026-07-01 是周一至周五，本来就上班，无需登记。"),
        (date(2026, 7, 4), False, "2026-07-04 是周末，本来就休息，无需登记。"),
    ],
)
def test_a_row_that_is_no_exception_is_refused(day, workday, message):
    with pytest.raises(ValidationError) as error:
        CalendarDay(date=day, is_workday=workday).full_clean()
    assert error.value.message_dict == {"is_workday": [message]}


def test_province_staff_edit_the_calendar_in_the_admin_and_others_may_not(client):
    tree = make_tree()
    province = make_user("prov", org=tree["province"], role=Role.STAFF, is_staff=True)
    city = make_user("citystaff", org=tree["city_a"], role=Role.STAFF, is_staff=True)

    client.force_login(city)
    assert client.get("/admin/campaigns/calendarday/").status_code == 200  # may look
    assert client.get("/admin/campaigns/calendarday/add/").status_code == 403
    response = client.post(
        "/admin/campaigns/calendarday/add/", {"date": "2026-07-01", "is_workday": "", "note": "x"}
    )
    assert response.status_code == 403

    client.force_login(province)
    response = client.post(
        "/admin/campaigns/calendarday/add/", {"date": "2026-07-01", "is_workday": "", "note": "临时放假"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2026, 7, 1)).note == "临时放假"
    response = client.post("/admin/campaigns/calendarday/add/", {"date": "2026-07-04", "is_workday": ""})
    assert response.status_code == 200
    assert "2026-07-04 是周末，本来就休息，无需登记。" in response.content.decode()
