"""The site's calendar day, which a demo may fix (``DEMO_TODAY``).

The demo is a May Day campaign as it stands in late April: intake closed, lists under review, the medal
list on notice, the 1 May announcement scheduled. Its rows carry fixed dates, so a demo served in
December would show a campaign long over. With ``DEMO_TODAY`` set, every ``timezone.now()`` of the
process answers that day at the real time of day: the intake windows, the notice period, the scheduled
news, the "waiting for you" lists and the history the visitor writes all read the demo's calendar.

Django, the project and the libraries ask ``django.utils.timezone.now`` (model ``auto_now`` fields,
sessions, axes), so replacing that one function shifts them all, while ``time.time()`` (cookie
expiry, token signatures, cache timeouts) stays real. That makes this a demo-only switch: the deploy
check refuses it in production. It is installed from the settings, before any model binds ``now``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.utils import timezone

_real_now = timezone.now


def _shifted(day: date):
    def now():
        real = _real_now()
        return real + (day - timezone.localtime(real).date())

    now.demo_day = day
    return now


def install(day: date) -> None:
    """From now on the process believes today is ``day`` (in the site's time zone)."""
    timezone.now = _shifted(day)


def demo_day() -> date | None:
    """The fixed day, when one is installed."""
    return getattr(timezone.now, "demo_day", None)


@contextmanager
def travel(day: date) -> Iterator[None]:
    """Run a block as if today were ``day``; the clock before it is back when the block ends."""
    previous = timezone.now
    timezone.now = _shifted(day)
    try:
        yield
    finally:
        timezone.now = previous
