"""Builders for the craftsman tests: a tree with reviewers, an open 荆楚工匠 programme with its quotas,
an enterprise under each grassroots union, and recommendations written through the service."""

import io
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from stdnum.cn import ric

from craftsmen.models import Trade, VideoHost
from craftsmen.services import craftsman_programme_create, recommendation_save, recommendation_submit
from craftsmen.trades import trades_ensure
from craftsmen.video_hosts import hosts_ensure
from tests.factories import Role, make_enterprise, make_tree, make_user
from tests.uploads.files import pdf_bytes
from unionportal.campaigns.models import Campaign
from unionportal.selection.models import Allocation
from unionportal.uploads.services import check_upload


def id_number(n: int, born: str = "19780612", area: str = "420684") -> str:
    body = f"{area}{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def jpeg(name="photo.jpg", *, checked=False):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (40, 90, 160)).save(buffer, "JPEG")
    file = SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
    if checked:
        file.checked_upload = check_upload(file, kind="image")
    return file


def pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def campaign():
    return Campaign.objects.get_or_create(
        year=2026,
        defaults={
            "theme": "五一",
            "starts_on": timezone.localdate() - timedelta(days=60),
            "ends_on": timezone.localdate() + timedelta(days=60),
            "is_current": True,
        },
    )[0]


def world(*, limit=2, quota=10, county_quota=4, city_quota=5):
    # A flushed (transactional) test database has lost the data migrations' rows: the trades, the hosts.
    trades_ensure(Trade)
    hosts_ensure(VideoHost)
    tree = make_tree()
    province = make_user("prov", org=tree["province"], role=Role.STAFF)
    today = timezone.localdate()
    programme = craftsman_programme_create(
        actor=province,
        campaign=campaign(),
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
        scoring_deadline=timezone.make_aware(
            datetime.combine(today + timedelta(days=40), datetime.min.time())
        ),
        total_quota=quota,
        per_enterprise_limit=limit,
    )
    for key in ("a", "b"):
        Allocation.objects.create(programme=programme, organisation=tree[f"city_{key}"], quota=city_quota)
        Allocation.objects.create(programme=programme, organisation=tree[f"county_{key}"], quota=county_quota)
    enterprise_a = make_enterprise(
        tree["township_a"], union=tree["grassroots_a"], name="宜城精工机械有限公司"
    )
    enterprise_b = make_enterprise(tree["township_b"], union=tree["grassroots_b"], name="夷陵磷化有限公司")
    users = {
        "province": province,
        "submitter_a": make_user("sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER),
        "submitter_b": make_user("sub_b", org=tree["grassroots_b"], role=Role.SUBMITTER),
        "county_a": make_user("county_a", org=tree["county_a"], role=Role.STAFF),
        "city_a": make_user("city_a", org=tree["city_a"], role=Role.STAFF),
        "county_b": make_user("county_b", org=tree["county_b"], role=Role.STAFF),
        "worker": make_user("worker", org=tree["grassroots_a"], role=Role.WORKER),
    }
    return SimpleNamespace(
        tree=tree, programme=programme, enterprise_a=enterprise_a, enterprise_b=enterprise_b, **users
    )


def trade(code="lathe_operator") -> Trade:
    trades_ensure(Trade)  # a flushed (transactional) test database has lost the migration's rows
    return Trade.objects.get(code=code)


PATENTS_EMPTY = {
    "patents-TOTAL_FORMS": "2",
    "patents-INITIAL_FORMS": "0",
    "patents-MIN_NUM_FORMS": "0",
    "patents-MAX_NUM_FORMS": "20",
}


def form_post(w, n=1, **overrides):
    """The recommendation form as a submitter fills it in (None leaves a field out)."""
    data = {
        **PATENTS_EMPTY,
        "enterprise": w.enterprise_a.pk,
        "name": "王建华",
        "id_number": id_number(n),
        "trade": trade().pk,
        "skill_grade": "senior_technician",
        "years_in_trade": "26",
        "position": "数控车间班长",
        "apprentices": "21",
        "signature_skills": "手工研磨精度达到0.002毫米。",
        "honours": "2022 湖北省技术能手",
        "summary": "扎根车工岗位二十六年。",
        "deeds": "攻克薄壁零件加工变形难题，带出技师十二名。",
        "consent": "on",
        "photo": jpeg(),
        "patents-0-kind": "invention",
        "patents-0-number": "ZL202110000001.1",
        "patents-0-title": "一种薄壁套筒车削夹具",
        "patents-0-granted_on": "2023-04-18",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def recommend(w, n, *, org=None, enterprise=None, submit=False, name=None, patents=()):
    org = org or w.tree["grassroots_a"]
    mine = org == w.tree["grassroots_a"]
    actor = w.submitter_a if mine else w.submitter_b
    candidacy = recommendation_save(
        actor=actor,
        programme=w.programme,
        organisation=org,
        fields={
            "name": name or f"工匠{n}",
            "id_number": id_number(n),
            "summary": "扎根一线二十年。",
            "deeds": "攻克技术难题，带出一支技能队伍。",
        },
        details={
            "enterprise": enterprise or (w.enterprise_a if mine else w.enterprise_b),
            "trade": trade("welder"),
            "skill_grade": "technician",
            "years_in_trade": 20,
            "position": "班组长",
            "apprentices": 8,
            "signature_skills": "仰焊一次合格率百分之百。",
            "honours": "",
        },
        patents=patents,
        consent=True,
        photo=jpeg(checked=True),
    )
    if submit:
        recommendation_submit(actor=actor, pk=candidacy.pk)
        candidacy.refresh_from_db()
    return candidacy


# --- the later stages: review up to the province, expert scores, a vote, the batch ----------------------


def to_province(w, candidacies):
    """Forward submitted recommendations of ``grassroots_a`` through county and city to the province."""
    from unionportal.selection import services as selection

    pks = [c.pk for c in candidacies]
    selection.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=pks)
    selection.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["city_a"], pks=pks)
    for c in candidacies:
        c.refresh_from_db()
    return candidacies


def expert_scores(w, candidacies, totals):
    """One expert scores each candidacy through the services: ``totals`` (0-100 in steps of 5) are spread
    over the craftsman rubric in proportion (30, 25, 20, 10, 15)."""
    from tests.experts.factories import make_expert
    from tests.factories import make_org
    from unionportal.selection.experts import services as experts
    from unionportal.selection.experts.models import Assignment

    stage = w.programme.expert_stage
    experts.stage_save(actor=w.province, programme=w.programme, values={"experts_per_candidate": 1})
    union = make_org(make_org(w.tree["province"], name="City e"), name="Expert union e")
    profile = make_expert(w, "craft_expert", union=union)
    panel = experts.panel_save(
        actor=w.province, stage=stage, name="荆楚工匠评审组", chair=profile.user, members=[profile]
    )
    experts.assign_auto(actor=w.province, panel=panel)
    criteria = list(stage.criteria.order_by("position"))
    for candidacy, total in zip(candidacies, totals, strict=True):
        row = Assignment.objects.get(panel=panel, candidacy=candidacy)
        experts.declare(actor=profile.user, assignment_id=row.pk, conflict=False)
        points = {c.pk: c.max_points * total // 100 for c in criteria}
        experts.score_save(actor=profile.user, assignment_id=row.pk, points=points, submit=True)
    return panel


def batch_world(*, candidates=4, batch_size=2, votes=None, totals=None, close=True, **world_kwargs):
    """A craftsman programme of ``batch_size`` whose ``candidates`` recommendations reached the province,
    were scored by an expert (``totals``, default 90, 85, 80…), then put to a public vote where candidate
    i got ``votes[i]`` votes (default: none); the vote closed unless ``close`` is False."""
    from tests.voting.factories import cast
    from unionportal.selection.voting import services as voting

    w = world(
        limit=candidates,
        quota=max(candidates, 10),
        county_quota=candidates,
        city_quota=candidates,
        **world_kwargs,
    )
    w.programme.craftsman_settings.batch_size = batch_size
    w.programme.craftsman_settings.save(update_fields=["batch_size"])
    patent = {
        "kind": "utility",
        "number": "ZL202120000001.1",
        "title": "一种仰焊辅助支架",
        "granted_on": date(2022, 5, 6),
    }
    rows = to_province(
        w,
        [recommend(w, n, submit=True, patents=[patent] if n == 1 else ()) for n in range(1, candidates + 1)],
    )
    totals = list(totals) if totals is not None else [90 - 5 * n for n in range(candidates)]
    expert_scores(w, rows, totals)
    now = timezone.now()
    stage = voting.stage_save(
        actor=w.province,
        programme=w.programme,
        values={
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=3),
            "period": "day",
            "votes_per_candidate": 1,
            "candidates_per_day": 3,
            "hide_results": False,
            "expert_weight": 70,
            "public_weight": 30,
        },
    )
    stage = voting.stage_open(actor=w.province, stage=stage, candidacy_ids=[c.pk for c in rows])
    by_candidacy = {c.candidacy_id: c for c in stage.candidates.all()}
    for n, (candidacy, count) in enumerate(zip(rows, votes or [], strict=False)):
        for k in range(count):
            cast(stage, by_candidacy[candidacy.pk], ip=f"198.51.{n}.{k + 1}", device=f"d{n}-{k}")
    if close:
        voting.stage_close(actor=w.province, stage=stage)
    stage.refresh_from_db()
    return SimpleNamespace(**vars(w), stage=stage, candidacies=rows, candidates=by_candidacy)
