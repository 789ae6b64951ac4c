"""Bench data for ``manage.py seed_dashboard_bench``: what the province's six-function dashboard reads
beyond the households and members the other seeders write.

The bench staff account (staff at the root: the province's dashboard), a current campaign, and one May Day
activity report per bench grassroots union, dated over the campaign's weeks so the trend has a shape. The
reports are written once (bulk); a second run adds nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from unionportal.campaigns.enums import ReportState
from unionportal.campaigns.models import ActivityReport
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation

from .households import BENCH_CODE_PREFIX, STAFF_USER, bench_staff
from .nominations import _campaign

BATCH = 2_000


def seed() -> dict[str, int]:
    """Returns the activity reports added (0 on a second run) and the bench reports there."""
    staff = bench_staff()
    campaign = _campaign()
    unions = list(
        Organisation.objects.filter(code__startswith=BENCH_CODE_PREFIX, level=Level.GRASSROOTS)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    reports = ActivityReport.objects.filter(
        campaign=campaign, organisation__code__startswith=BENCH_CODE_PREFIX
    )
    added = 0
    if not reports.exists():
        today = timezone.localdate()
        span = max((min(today, campaign.ends_on) - campaign.starts_on).days, 0) + 1
        states = [ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.ACCEPTED, ReportState.DRAFT]
        with transaction.atomic():
            ActivityReport.objects.bulk_create(
                (
                    ActivityReport(
                        organisation_id=pk,
                        campaign=campaign,
                        title="“五一”职工趣味运动会",
                        date=campaign.starts_on + timedelta(days=(i * 7) % span),
                        place="厂区文体中心",
                        participants=80 + i % 300,
                        summary="拔河、跳绳、托球跑等项目，职工踊跃参加。",
                        state=states[i % len(states)],
                        created_by=staff,
                    )
                    for i, pk in enumerate(unions)
                ),
                batch_size=BATCH,
            )
        added = len(unions)
    return {"added": added, "reports": reports.count(), "user": STAFF_USER}
