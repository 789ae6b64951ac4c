"""Every URL of the project, for every demo role, against the permission matrix (unionportal/permissions.py).

Each view carries its entry of the matrix (``@permission(kind, action)``, ``@public``, ``@signed_in``, an
import's resource, or records served by their own row): a URL pattern whose view has none fails here, so a
page cannot be added without saying who may open it. For each URL and each demo account (and an anonymous
visitor), the matrix says whether the account may take the action on the sample record the URL opens; the
page must then answer (any status but 403, 404 and 5xx, and not the sign-in page), or refuse with 403/404.
GET and an empty POST are both tried, each rolled back, so a refused POST changes nothing either.
"""

import copy
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from unionportal import permissions
from unionportal.imports.registry import get_registered, registered
from unionportal.orgs import demo_data

User = get_user_model()

DEMO_ROLES = [account["username"] for account in demo_data.ACCOUNTS]
ROLES = ["anonymous", *DEMO_ROLES]

# Views of libraries, by module: the captcha images are public (the objection form shows them).
LIBRARY_VIEWS = {"captcha.views": (permissions.PUBLIC, "")}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin is walked by its own test below
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, entry


def url_patterns() -> list[tuple[str, URLPattern]]:
    return [(name, entry) for name, entry in _walk(get_resolver().url_patterns) if name]


def access_of(entry: URLPattern):
    callback = entry.callback
    access = getattr(callback, "access", None) or LIBRARY_VIEWS.get(callback.__module__)
    if access is None and hasattr(callback, "view_class"):
        access = getattr(callback.view_class, "access", None)
    return access


def test_every_url_has_an_entry_in_the_matrix():
    missing = [name for name, entry in url_patterns() if access_of(entry) is None]
    assert missing == [], f"views without a permission entry: {missing}"
    for name, entry in url_patterns():
        kind = access_of(entry)[0]
        assert kind in (permissions.PUBLIC, permissions.SIGNED_IN, permissions.RESOURCE) or (
            kind in permissions.MATRIX
        ), name


# --- the demo data and one sample record per URL ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo(module_db, demo_day, tmp_path_factory):
    from assistance.models import Household, PlanItem, Visit
    from unionportal.campaigns.models import ActivityReport, Milestone
    from unionportal.imports.models import ImportJob
    from unionportal.notifications.models import Notification
    from unionportal.orgs.models import Organisation
    from unionportal.public.models import News, PublicEntry
    from unionportal.selection.enums import State
    from unionportal.selection.models import Candidacy, Notice, Objection, Programme

    with module_db.unblock():
        media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
        media.enable()  # the demo's generated pictures, for the whole module; kept out of var/media
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_ROLES)}
        grassroots = users["grassroots"]
        draft = Candidacy.objects.filter(created_by=grassroots, state=State.DRAFT).first()
        published = Candidacy.objects.filter(state=State.PUBLISHED).select_related("programme").first()
        household = Household.objects.filter(cadre=users["cadre"]).select_related("enterprise").first()
        plan_item = PlanItem.objects.filter(household=household).first() or PlanItem.objects.first()
        household = plan_item.household
        county = Organisation.objects.get(memberships__user=users["county"])
        township = Organisation.objects.get(memberships__user=users["township"])
        news = News.objects.create(title="测试新闻", body="正文", publish_at=timezone.now())
        job = ImportJob.objects.create(
            resource_key="orgs.enterprise", file_name="e.csv", actor=users["county"]
        )
        message = Notification.objects.create(
            recipient=grassroots,
            channel="inbox",
            status="sent",
            event="test",
            subject="测试消息",
            url="/home/",
        )
        entry = PublicEntry.objects.filter(stage=PublicEntry.Stage.PUBLISHED).first()
        grassroots_membership = grassroots.memberships.select_related("organisation").first()
        private_file = draft.photo
        private_file.refresh_from_db()
        public_file = published.photo
        samples = {
            # url name: (kwargs, the record the matrix is asked about; None: the role alone decides)
            "awards:create": ({"programme_id": draft.programme_id}, None),
            "awards:detail": ({"pk": draft.pk}, draft),
            "awards:edit": ({"pk": draft.pk}, draft),
            "awards:submit": ({"pk": draft.pk}, draft),
            "awards:withdraw": ({"pk": draft.pk}, draft),
            "awards:delete": ({"pk": draft.pk}, draft),
            "awards:print": ({"pk": draft.pk}, draft),
            "selection:candidacy": ({"pk": draft.pk}, draft),
            "selection:final": ({"pk": published.programme_id}, None),
            "selection:publish": ({"pk": published.programme_id}, None),
            "selection:revoke": ({"pk": published.programme_id, "candidacy_pk": published.pk}, None),
            "selection:allocations": ({"pk": Programme.objects.filter(app="awards").last().pk}, None),
            "selection:objection": ({"pk": Objection.objects.first().pk}, Objection.objects.first()),
            "selection:objection_reveal": ({"pk": Objection.objects.first().pk}, Objection.objects.first()),
            "notices:detail": ({"pk": Notice.objects.first().pk}, None),
            "public:honouree": ({"pk": entry.pk}, None),
            "public:honouree_photo": ({"pk": entry.pk}, None),
            "public:honouree_share": ({"pk": entry.pk}, None),
            "public:news_detail": ({"pk": news.pk}, None),
            "campaigns:milestone": ({"pk": Milestone.objects.first().pk}, None),
            "campaigns:milestone_done": (
                {"pk": Milestone.objects.first().pk, "org_pk": township.pk},
                township,
            ),
            "assistance:visit": ({"pk": Visit.objects.first().pk}, Visit.objects.first()),
            "assistance:threshold_edit": ({"org_pk": county.pk}, SimpleNamespace(organisation=county)),
            "imports:job": ({"pk": job.pk}, job),
            "imports:job_status": ({"pk": job.pk}, job),
            "imports:job_confirm": ({"pk": job.pk}, job),
            "notifications:open": ({"pk": message.pk}, message),
            "accounts:password_reset_confirm": ({"uidb64": "MQ", "token": "set-password"}, None),
            "uploads:file": ({"pk": private_file.pk}, private_file),
            "orgs:user_deactivate": ({"pk": grassroots.pk}, grassroots_membership),
            "orgs:user_reactivate": ({"pk": grassroots.pk}, grassroots_membership),
            "uploads:thumbnail": ({"pk": private_file.pk}, private_file),
        }
        from unionportal.selection.voting.models import VoteStage

        vote = VoteStage.objects.filter(opened_at__isnull=False).first()
        for name in ("stage", "verify", "cast"):
            samples[f"voting:{name}"] = ({"pk": vote.pk}, None)
        samples["voting:photo"] = ({"pk": vote.pk, "candidate_pk": vote.candidates.first().pk}, None)
        samples["voting_staff:stage"] = ({"pk": vote.programme_id}, None)
        samples["voting_staff:quarantine"] = ({"pk": vote.pk}, None)
        samples["voting_staff:ranking"] = ({"pk": vote.pk}, None)
        samples["voting_staff:ranking_export"] = ({"pk": vote.pk}, None)
        from unionportal.selection.experts.models import Assignment, ExpertProfile, Panel

        panel = Panel.objects.filter(chair=users["expert"]).select_related("stage").first()
        own = Assignment.objects.filter(expert__user=users["expert"], state="cleared").first()
        samples["experts:stage"] = ({"pk": panel.stage.programme_id}, None)
        samples["experts:panel"] = ({"pk": panel.pk}, panel)
        samples["experts:panel_sheet"] = ({"pk": panel.pk}, panel)
        samples["experts:pool_edit"] = ({"pk": ExpertProfile.objects.first().pk}, None)
        samples["experts:assignment"] = ({"pk": own.pk}, own)
        samples["experts:assignment_photo"] = ({"pk": own.pk}, own)
        for name in ("household", "household_edit", "household_reveal", "household_transition"):
            samples[f"assistance:{name}"] = ({"pk": household.pk}, household)
        for name in ("measure_create", "plan_item_create", "yearly_review"):
            samples[f"assistance:{name}"] = ({"pk": household.pk}, household)
        samples["assistance:plan_item_done"] = ({"pk": household.pk, "item_pk": plan_item.pk}, household)
        report = ActivityReport.objects.filter(organisation__memberships__user=grassroots).first()
        for name in ("report", "report_edit", "report_submit", "report_accept", "report_return"):
            samples[f"campaigns:{name}"] = ({"pk": report.pk}, report)
        for name in ("uploads:file", "uploads:thumbnail"):
            samples[f"{name}:public"] = ({"pk": public_file.pk}, public_file)
        craftsman = Candidacy.objects.filter(
            programme__app="craftsmen", created_by=grassroots, state=State.RETURNED
        ).first()
        samples["craftsmen:create"] = ({"programme_id": craftsman.programme_id}, None)
        samples["craftsmen:batch"] = ({"pk": craftsman.programme_id}, None)
        samples["craftsmen:batch_export"] = ({"pk": craftsman.programme_id}, None)
        for name in ("detail", "edit", "submit", "withdraw", "delete"):
            samples[f"craftsmen:{name}"] = ({"pk": craftsman.pk}, craftsman)
        from unionportal.orgs.models import JoinApplication, Member

        member = Member.objects.filter(user=users["worker"]).first()
        for name in ("member", "member_reveal", "member_transfer", "member_leave"):
            samples[f"orgs:{name}"] = ({"pk": member.pk}, member)
        waiting = JoinApplication.objects.filter(state="submitted").first()
        samples["orgs:joining_detail"] = ({"pk": waiting.pk}, waiting)
        from unionportal.orgs.models import FoundingApplication

        founding_waiting = FoundingApplication.objects.filter(state="submitted").first()
        samples["orgs:founding_detail"] = ({"pk": founding_waiting.pk}, founding_waiting)
        founding_returned = FoundingApplication.objects.filter(state="returned").first()
        samples["orgs:my_founding_detail"] = ({"pk": founding_returned.pk}, founding_returned)
        samples["orgs:my_founding_withdraw"] = ({"pk": founding_returned.pk}, founding_returned)
        from craftsmen.models import CraftsmanPublic

        chosen = Candidacy.objects.filter(programme__app="craftsmen", state=State.PUBLISHED).first()
        if chosen is not None:
            samples["craftsmen:films:edit"] = ({"pk": chosen.pk}, None)
        shown = CraftsmanPublic.objects.filter(entry__stage=PublicEntry.Stage.PUBLISHED).first()
        if shown is not None:
            samples["craftsmen_public:craftsman"] = ({"pk": shown.entry_id}, None)
        from bargaining.models import Agreement, Offer

        # The 楚都食品 offer of the grassroots union (sent, its reply due), and agreements in the states
        # whose steps apply to them.
        offer = Offer.objects.filter(union=grassroots_membership.organisation).first()
        for name in ("offer", "offer_send", "offer_reply", "offer_negotiate"):
            samples[f"bargaining:{name}"] = ({"pk": offer.pk}, offer)
        negotiating = Agreement.objects.filter(state="negotiating").first()
        filed = Agreement.objects.filter(state="filed").first()
        for name in (
            "agreement",
            "agreement_negotiators",
            "round_create",
            "agreement_terms",
            "agreement_vote",
        ):
            samples[f"bargaining:{name}"] = ({"pk": negotiating.pk}, negotiating)
        for name in ("agreement_sign", "agreement_file", "agreement_objection"):
            samples[f"bargaining:{name}"] = ({"pk": filed.pk}, filed)
        # The crystal industry agreement's coverage; the 楚都食品 facts page (scoped as its offer).
        industry = Agreement.objects.filter(kind="industry").first()
        samples["bargaining:agreement_coverage"] = ({"pk": industry.pk}, industry)
        samples["bargaining:enterprise"] = ({"pk": offer.enterprise_id}, offer)
        from competitions.models import Competition, Entrant, ScoreReport, Tour

        # The 宜城 energy-saving team competition, an entrant of the grassroots union and its report.
        comp = Competition.objects.get(title="宜城市“我为节能减排作贡献”班组竞赛")
        entrant = Entrant.objects.filter(
            competition=comp, organisation=grassroots_membership.organisation
        ).first()
        report = ScoreReport.objects.filter(entrant=entrant).first()
        tour = Tour.objects.first()
        for name in ("detail", "edit", "ranking", "winners"):
            samples[f"competitions:{name}"] = ({"pk": comp.pk}, comp)
        samples["competitions:register"] = (
            {"pk": comp.pk},
            SimpleNamespace(org_path=grassroots_membership.organisation.path),
        )
        # The filled-in report sheet: the grassroots union's approved entrants (404 for a union with none).
        samples["competitions:report_sheet"] = (
            {"pk": comp.pk},
            SimpleNamespace(org_path=grassroots_membership.organisation.path),
        )
        for name in ("entrant", "entrant_approve", "entrant_return", "entrant_resubmit", "report_create"):
            samples[f"competitions:{name}"] = ({"pk": entrant.pk}, entrant)
        for name in ("report", "report_edit", "report_submit", "report_check", "report_return"):
            samples[f"competitions:{name}"] = ({"pk": report.pk}, report)
        samples["competitions:tour"] = ({"pk": tour.pk}, tour)
        held = tour.stops.filter(audience__isnull=False).first()
        samples["competitions:tour_stop"] = ({"pk": held.pk}, tour)
        samples["competitions:export"] = ({"pk": comp.pk, "what": "ranking"}, comp)
        from competitions.models import SkillsEvent, SkillsResult, Winner

        # The 襄阳 skills contest, its published 电工 event and champion, an unpublished event's result.
        skills_comp = Competition.objects.get(title="2026年襄阳市职工技能大赛")
        samples["competitions:skills_event_create"] = ({"pk": skills_comp.pk}, skills_comp)
        electric = SkillsEvent.objects.get(competition=skills_comp, trade="电工")
        waiting = SkillsEvent.objects.get(competition=skills_comp, trade="纺织挡车工")
        for name in ("skills_event", "skills_publish"):
            samples[f"competitions:{name}"] = ({"pk": waiting.pk}, waiting)
        samples["competitions:skills_public"] = ({"pk": electric.pk}, electric)
        champion = SkillsResult.objects.get(event=electric, rank=1)
        samples["competitions:skills_put_forward"] = ({"pk": champion.pk}, electric)
        unpublished = SkillsResult.objects.filter(event=waiting).first()
        samples["competitions:skills_result_delete"] = ({"pk": unpublished.pk}, waiting)
        winner = Winner.objects.filter(state="published").first()
        samples["competitions:winner_put_forward"] = ({"pk": winner.pk}, winner.competition)
        # >>> rights
        from rights.models import EnterpriseFlag, RightsRequest

        # The request waiting for the grassroots union to accept it, the worker's accepted one and her
        # concluded one awaiting her rating, and the flagged 鄢城纺织.
        rights_rows = RightsRequest.objects.filter(union=grassroots_membership.organisation)
        waiting = rights_rows.filter(state="submitted").first()
        handling = rights_rows.filter(worker=users["worker"], state="accepted").first()
        to_rate = rights_rows.filter(worker=users["worker"], state="concluded").first()
        for name in ("request", "accept", "escalate"):
            samples[f"rights:{name}"] = ({"pk": waiting.pk}, waiting)
        for name in ("step_create", "conclude"):
            samples[f"rights:{name}"] = ({"pk": handling.pk}, handling)
        samples["rights:my_request"] = ({"pk": handling.pk}, handling)
        samples["rights:my_rate"] = ({"pk": to_rate.pk}, to_rate)
        rights_flag = EnterpriseFlag.objects.first()
        samples["rights:flag"] = ({"pk": rights_flag.pk}, rights_flag)
        # <<< rights
        # >>> benefits
        from benefits.models import Offer as BenefitOffer
        from benefits.models import Signup as BenefitSignup

        # The 宜城 skills course (sign-ups to confirm) and one of its pending sign-ups; the worker's own
        # place in the full health check for cancelling.
        course = BenefitOffer.objects.get(title="电工（中级）技能提升培训班")
        for name in ("public_detail", "signup", "offer", "offer_edit", "offer_publish", "offer_close"):
            samples[f"benefits:{name}"] = ({"pk": course.pk}, course)
        samples["benefits:offer_export"] = ({"pk": course.pk}, course)
        pending = BenefitSignup.objects.filter(offer=course, state="pending").first()
        for name in ("signup_confirm", "signup_refuse", "signup_reveal"):
            samples[f"benefits:{name}"] = ({"pk": pending.pk}, pending)
        own_signup = BenefitSignup.objects.filter(user=users["worker"]).first()
        samples["benefits:cancel"] = ({"pk": own_signup.pk}, own_signup)
        # <<< benefits
        # >>> publicity
        from unionportal.public.demo_education import seed_cartoons
        from unionportal.public.models import Cartoon, Course

        # The demo draws its cartoons after its transaction commits (the honourees come later): draw here.
        seed_cartoons(actor=users["province"])
        drawn = Cartoon.objects.select_related("entry").first().entry
        for name in ("cartoon_image", "cartoon_thumbnail", "cartoon_edit"):
            samples[f"public:{name}"] = ({"pk": drawn.pk}, None)
        samples["public:news_share"] = ({"pk": news.pk}, None)
        online_course = Course.objects.filter(is_published=True).first()
        first_lesson = online_course.lessons.first()
        samples["public:course"] = ({"pk": online_course.pk}, None)
        samples["public:lesson"] = ({"pk": first_lesson.pk}, None)
        samples["public:lesson_done"] = ({"pk": first_lesson.pk}, None)
        # <<< publicity
        # >>> dashboard
        # The county's dashboard (a drill-down from the province and the city; 404 for the other county).
        samples["dashboard:org"] = ({"pk": county.pk}, county)
        # <<< dashboard
    yield SimpleNamespace(samples=samples, users=users)
    media.disable()


def cases(demo):
    """(url name, url, access, record, the action of a POST) for every URL of the project, with a sample
    record for those that take one."""
    for name, entry in url_patterns():
        access = access_of(entry)
        post = getattr(entry.callback, "access_post", None)
        converters = entry.pattern.regex.groupindex
        if name in ("healthz", "readyz"):
            continue  # public; their checks close the database connection they probe (tests/test_health.py)
        if name == "metrics":
            continue  # public, behind its bearer token (404 without one configured; tests/ops/test_metrics.py)
        if entry.callback.__module__ in LIBRARY_VIEWS:
            continue  # the captcha's image, sound and refresh answer only its own form's keys and requests
        if not converters:
            yield name, reverse(name), access, None, post
        elif access[0] == permissions.RESOURCE:
            for item in registered():
                kwargs = {"key": item.key}
                if "fmt" in converters:
                    kwargs["fmt"] = "xlsx"
                yield name, reverse(name, kwargs=kwargs), access, item.key, post
        else:
            for sample_name in (name, f"{name}:public"):
                if sample_name in demo.samples:
                    kwargs, obj = demo.samples[sample_name]
                    yield sample_name, reverse(name, kwargs=kwargs), access, obj, post


@pytest.mark.django_db
def test_every_url_with_parameters_has_a_sample_record(demo):
    missing = [
        name
        for name, entry in url_patterns()
        if entry.pattern.regex.groupindex
        and access_of(entry)[0] != permissions.RESOURCE
        and entry.callback.__module__ not in LIBRARY_VIEWS
        and name not in demo.samples
    ]
    assert missing == [], f"add a sample record to the demo fixture for: {missing}"


def expected_allowed(user, access, obj, action=None) -> bool:
    kind, action = access[0], action or access[1]
    signed_in = user.is_authenticated
    if kind == permissions.PUBLIC:
        return True
    if kind == permissions.SIGNED_IN:
        return signed_in
    if kind == permissions.RESOURCE:
        entry = get_registered(obj)
        return signed_in and (entry.can_import(user) if action == "import" else entry.can_export(user))
    if len(access) > 2:  # records served to everyone where public (files), else by the row
        return (
            obj.is_public
            or (signed_in and obj.uploaded_by_id == user.pk)
            or permissions.allows(user, kind, action, obj)
        )
    return permissions.allows(user, kind, action, obj)


def _answer(client, method, url):
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url)
        if response.streaming:  # read a served file to its end: the client then closes it (and its handle)
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    client.cookies = cookies  # a request here must not change who the next one comes from
    return response


def _verdict(response) -> str:
    if response.status_code in (403, 404):
        return "refused"
    if response.status_code == 405:
        return "method"  # a GET to a POST-only view (or the reverse): says nothing either way
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "sign in"
    if response.status_code >= 500 and response.status_code != 503:
        return f"error {response.status_code}"
    return "served"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_matrix_says(demo, role):
    user = User.objects.get(username=role) if role != "anonymous" else None
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    else:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    wrong = []
    for name, url, access, obj, post_action in cases(demo):
        for method in ("get", "post"):
            allowed = expected_allowed(user, access, obj, post_action if method == "post" else None)
            if role == "anonymous" and not allowed:
                want = {"sign in", "refused", "method"}
            else:
                want = {"served" if allowed else "refused", "method"}
            got = _verdict(_answer(client, method, url))
            if got not in want:
                wrong.append(f"{method.upper()} {url} ({name}, {access}): {got}, the matrix says {want}")
    assert wrong == [], "\n".join(wrong)


# --- the admin ----------------------------------------------------------------------------------------------

STAFF_ROLES = [role for role in DEMO_ROLES if role in ("province", "city", "county", "township", "county2")]


def _admin_links(html: str) -> set[str]:
    import re

    links = set(re.findall(r'href="(/admin/[^"#?]*)"', html))
    return {link for link in links if not link.startswith(("/admin/logout", "/admin/password_change"))}


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_admin_link_a_staff_user_is_shown_opens(demo, role):
    """The admin index and every changelist it links to offer only pages the user may open."""
    client = Client()
    client.force_login(User.objects.get(username=role))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    seen, queue, broken = set(), sorted(_admin_links(index.content.decode())), []
    while queue:
        link = queue.pop()
        if link in seen:
            continue
        seen.add(link)
        response = client.get(link)
        if response.status_code != 200:
            broken.append(f"{link}: {response.status_code}")
        elif link.count("/") == 3:  # an app's index: follow it to its changelists
            queue += sorted(_admin_links(response.content.decode()) - seen)
        elif link.count("/") == 4:  # a changelist: its add page and the first few records it lists
            found = sorted(_admin_links(response.content.decode()) - seen)
            queue += [x for x in found if x.endswith("/add/")] + [x for x in found if x.endswith("/change/")][
                :3
            ]
    assert broken == [], "\n".join(broken)
    assert len(seen) > 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", DEMO_ROLES)
def test_admin_changelists_follow_the_matrix(demo, role):
    from django.contrib import admin

    user = User.objects.get(username=role)
    client = Client()
    client.force_login(user)
    wrong = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        kind = permissions.admin_kind(model._meta.label)
        allowed = user.is_staff and kind is not None and permissions.may(user, kind, "admin")
        status = client.get(url).status_code
        if allowed != (status == 200):
            wrong.append(f"{url}: {status}, the matrix says {'open' if allowed else 'closed'}")
    assert wrong == [], "\n".join(wrong)


def test_the_readme_prints_the_matrix_as_the_code_has_it():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    start = readme.index("<!-- permission matrix")
    table = readme[readme.index("\n", start) + 1 : readme.index("<!-- end of the permission matrix -->")]
    assert table.strip() == permissions.as_markdown()
