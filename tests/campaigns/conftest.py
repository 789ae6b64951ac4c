import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from tests.factories import Role, make_tree, make_user
from unionportal.campaigns.enums import ReportState
from unionportal.campaigns.models import ActivityReport, Campaign

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=9) -> datetime:
    """An aware moment in the site's time zone (what the periodic services are given as ``now``)."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def jpeg(name="photo.jpg", size=(64, 48), color=(183, 28, 28)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(
        year=2026,
        theme="践行新理念，有为新常态，争当主力军",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
        is_current=True,
    )


@pytest.fixture
def people(tree):
    """Staff at each level of branch a, a township staff in branch b, submitters of both unions."""
    return {
        "province": make_user("p_staff", org=tree["province"], role=Role.STAFF),
        "city_a": make_user("city_a_staff", org=tree["city_a"], role=Role.STAFF),
        "city_b": make_user("city_b_staff", org=tree["city_b"], role=Role.STAFF),
        "county_a": make_user("county_a_staff", org=tree["county_a"], role=Role.STAFF),
        "township_a": make_user("township_a_staff", org=tree["township_a"], role=Role.STAFF),
        "township_b": make_user("township_b_staff", org=tree["township_b"], role=Role.STAFF),
        "submitter_a": make_user("submitter_a", org=tree["grassroots_a"], role=Role.SUBMITTER),
        "union_staff_a": make_user("union_staff_a", org=tree["grassroots_a"], role=Role.STAFF),
        "submitter_b": make_user("submitter_b", org=tree["grassroots_b"], role=Role.SUBMITTER),
    }


REPORT_FIELDS = {
    "title": "“五一”职工趣味运动会",
    "date": date(2026, 4, 28),
    "place": "厂区篮球场",
    "participants": 260,
    "summary": "拔河、跳绳、托球跑等八个项目。",
}


def make_report(tree, people, *, state=ReportState.DRAFT, branch="a", **fields) -> ActivityReport:
    """A report of a grassroots union put straight into ``state`` (test set-up, not a transition)."""
    data = {**REPORT_FIELDS, **fields}
    campaign = Campaign.objects.get(is_current=True)
    return ActivityReport.objects.create(
        organisation=tree[f"grassroots_{branch}"],
        campaign=campaign,
        created_by=people[f"submitter_{branch}"],
        state=state,
        **data,
    )
