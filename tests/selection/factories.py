"""Builders for nomination tests: a tree with reviewers, an open award programme and allocations."""

import io
from datetime import date, timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from stdnum.cn import ric

from awards.programmes import default_rules
from awards.services import nomination_save
from tests.factories import Role, make_tree, make_user
from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Level
from unionportal.selection.enums import NomineeKind
from unionportal.selection.models import Allocation, Programme
from unionportal.uploads.services import check_upload


def id_number(n: int, born: str = "19850315", area: str = "420684") -> str:
    body = f"{area}{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def photo(name: str = "photo.jpg", size=(60, 80)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(buffer, "JPEG")
    file = SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
    file.checked_upload = check_upload(file, kind="image")
    return file


def make_programme(
    campaign=None, *, kind=NomineeKind.INDIVIDUAL, quota=10, code="medal", levels=None, rules=True
):
    campaign = (
        campaign
        or Campaign.objects.get_or_create(
            year=2026,
            defaults={
                "theme": "五一",
                "starts_on": date(2026, 3, 1),
                "ends_on": date(2026, 5, 31),
                "is_current": True,
            },
        )[0]
    )
    now = timezone.now()
    programme = Programme.objects.create(
        campaign=campaign,
        code=code,
        name=f"Programme {code}",
        award="湖北省五一劳动奖章",
        nominee_kind=kind,
        total_quota=quota,
        intake_opens_at=now - timedelta(days=10),
        intake_closes_at=now + timedelta(days=10),
        review_levels=levels or [Level.COUNTY, Level.CITY, Level.PROVINCE],
        notice_office="省总工会",
        notice_phone="027-00000000",
        notice_address="武汉市",
    )
    if rules:
        default_rules(programme)
    return programme


DECLARED = {"safety": True, "arrears": True, "environment": True, "union": True}


def nominate(world, n: int, *, org=None, frontline=True, migrant=True, submit=False, **flags):
    from unionportal.selection.services import candidacy_submit

    org = org or world.tree["grassroots_a"]
    actor = world.submitter_a if org == world.tree["grassroots_a"] else world.submitter_b
    candidacy = nomination_save(
        actor=actor,
        programme=world.programme,
        organisation=org,
        fields={
            "name": f"候选人{n}",
            "id_number": id_number(n),
            "summary": "扎根一线二十年。",
            "deeds": "攻克技术难题，带出一支技能队伍。",
            "tags": ["innovation"],
            "flags": {"frontline": frontline, "migrant": migrant, **flags},
            "declarations": DECLARED,
        },
        details={"gender": "M", "ethnicity": "汉族", "position": "班组长"},
        consent=True,
        photo=photo(),
    )
    if submit:
        candidacy_submit(actor=actor, pk=candidacy.pk)
        candidacy.refresh_from_db()
    return candidacy


def world(*, quota=10, county_quota=5, city_quota=6):
    tree = make_tree()
    programme = make_programme(quota=quota)
    for key in ("a", "b"):
        Allocation.objects.create(programme=programme, organisation=tree[f"city_{key}"], quota=city_quota)
        Allocation.objects.create(programme=programme, organisation=tree[f"county_{key}"], quota=county_quota)
    users = {
        "submitter_a": make_user("sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER),
        "submitter_b": make_user("sub_b", org=tree["grassroots_b"], role=Role.SUBMITTER),
        "county_a": make_user("county_a", org=tree["county_a"], role=Role.STAFF),
        "city_a": make_user("city_a", org=tree["city_a"], role=Role.STAFF),
        "province": make_user("prov", org=tree["province"], role=Role.STAFF),
        "county_b": make_user("county_b", org=tree["county_b"], role=Role.STAFF),
    }
    return SimpleNamespace(tree=tree, programme=programme, **users)
