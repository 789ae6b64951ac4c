"""The working-day calendar: Monday to Friday, except the days listed in ``CalendarDay``.

``CalendarDay`` holds only the exceptions (public holidays on weekdays, make-up working days on weekends),
so a range needs one query for its exceptions. Every "N working days" period in the project counts here.
"""

from datetime import date, timedelta

from .models import CalendarDay


def _default_workday(day: date) -> bool:
    return day.weekday() < 5


def exceptions_between(first: date, last: date) -> dict[date, bool]:
    """{date: is_workday} for the exceptions in [first, last] (one query)."""
    if first > last:
        first, last = last, first
    return dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_workday"))


def is_workday(day: date) -> bool:
    """Whether ``day`` is a working day on the calendar (one query)."""
    exception = CalendarDay.objects.filter(date=day).values_list("is_workday", flat=True).first()
    return _default_workday(day) if exception is None else exception


def add_working_days(start: date, n: int) -> date:
    """The day that is ``n`` working days after ``start`` (before it when ``n`` is negative).

    ``start`` itself is not counted, whether or not it is a working day: add_working_days(Thursday, 1) is
    Friday, add_working_days(Saturday, 1) is Monday (unless a make-up or holiday intervenes), and
    ``n == 0`` returns ``start``. The exceptions of a window wide enough for any real schedule are read in
    one query; a calendar with unusually long closures costs one more query per further window.
    """
    if n == 0:
        return start
    step = 1 if n > 0 else -1
    remaining = abs(n)
    # Five working days per week plus room for the longest holiday run (春节/国庆: up to nine days off).
    window = remaining * 7 // 5 + 21
    day = start
    while True:
        window_end = day + timedelta(days=step * window)
        exceptions = exceptions_between(day + timedelta(days=step), window_end)
        while day != window_end:
            day += timedelta(days=step)
            if exceptions.get(day, _default_workday(day)):
                remaining -= 1
                if remaining == 0:
                    return day


def working_days_between(first: date, last: date) -> int:
    """How many working days lie in (first, last]: add_working_days(first, k) == last counts k."""
    if last <= first:
        return 0
    exceptions = exceptions_between(first + timedelta(days=1), last)
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        count += exceptions.get(day, _default_workday(day))
    return count
