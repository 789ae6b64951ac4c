"""The demo's calendar day (unionportal.clock): the date is fixed, the time of day and time.time() are real."""

import time
from datetime import date

from django.utils import timezone

from unionportal import clock

DAY = date(2026, 4, 27)


def test_travel_fixes_the_date_and_keeps_the_time_of_day():
    real = timezone.localtime(timezone.now())
    with clock.travel(DAY):
        shifted = timezone.localtime()
        assert shifted.date() == DAY == timezone.localdate() == clock.demo_day()
        assert abs((shifted.time().hour * 60 + shifted.time().minute) - (real.hour * 60 + real.minute)) <= 1
        # The clock still runs, and time.time() (cookie expiry, signatures) is not moved.
        first = timezone.now()
        time.sleep(0.01)
        assert timezone.now() > first
        assert abs(time.time() - real.timestamp()) < 60
    assert clock.demo_day() is None
    assert timezone.localdate() == real.date()


def test_travel_nests_and_restores_the_clock_it_found():
    with clock.travel(DAY):
        with clock.travel(date(2026, 5, 2)):
            assert timezone.localdate() == date(2026, 5, 2)
        assert timezone.localdate() == DAY
    assert clock.demo_day() is None


def test_model_timestamps_follow_the_clock(db):
    from unionportal.public.models import News

    with clock.travel(DAY):
        item = News.objects.create(
            title="t", category=News.Category.NEWS, body="b", publish_at=timezone.now()
        )
    assert timezone.localtime(item.created_at).date() == DAY
