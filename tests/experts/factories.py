"""Builders for expert-review tests: a programme whose candidacies the province holds, an expert stage
with a rubric, experts in the pool and a panel, built through the services."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from tests.factories import Role, make_org, make_user
from tests.selection.factories import nominate, world
from unionportal.selection.enums import State
from unionportal.selection.experts import services
from unionportal.selection.models import Candidacy

RUBRIC = [
    {"name": "工作业绩", "name_en": "Achievements", "weight": 50, "max_points": 50},
    {"name": "创新成果", "name_en": "Innovation", "weight": 30, "max_points": 30},
    {"name": "示范作用", "name_en": "Example set", "weight": 20, "max_points": 20},
]


def expert_world(*, candidates=4, experts=3, per_candidate=2, aggregation="mean", **values):
    w = world(quota=50, county_quota=20, city_quota=30)
    rows = [nominate(w, n, submit=True) for n in range(1, candidates + 1)]
    Candidacy.objects.filter(pk__in=[c.pk for c in rows]).update(state=State.REVIEW1)
    stage = services.stage_save(
        actor=w.province,
        programme=w.programme,
        values={
            "scoring_deadline": timezone.now() + timedelta(days=5),
            "aggregation": aggregation,
            "experts_per_candidate": per_candidate,
            **values,
        },
        criteria=RUBRIC,
    )
    # The experts' unions: a third city, away from both nominating subtrees.
    city_c = make_org(w.tree["province"], name="City c")
    profiles = [
        make_expert(w, f"exp{n}", union=make_org(city_c, name=f"Expert union {n}"))
        for n in range(1, experts + 1)
    ]
    panel = services.panel_save(
        actor=w.province, stage=stage, name="第一评审组", chair=profiles[0].user, members=profiles
    )
    return SimpleNamespace(
        **vars(w),
        stage=stage,
        candidacies=[Candidacy.objects.get(pk=c.pk) for c in rows],
        experts=profiles,
        panel=panel,
        city_c=city_c,
    )


def make_expert(w, username, *, union, fields=(), enterprise=None, **values):
    user = make_user(username, name=f"专家{username}")
    return services.expert_save(
        actor=w.province,
        user=user,
        values={
            "union": union,
            "enterprise": enterprise,
            "title": "高级工程师",
            "fields": list(fields),
            **values,
        },
    )


def score(assignment, points=(40, 20, 10), *, submit=True, comments=None):
    """Declare no conflict (when not yet) and score an assignment through the services."""
    assignment.refresh_from_db()
    user = assignment.expert.user
    if assignment.state == "assigned":
        services.declare(actor=user, assignment_id=assignment.pk, conflict=False)
    criteria = list(assignment.stage.criteria.all())
    return services.score_save(
        actor=user,
        assignment_id=assignment.pk,
        points={c.pk: p for c, p in zip(criteria, points, strict=True)},
        comments=comments or {},
        submit=submit,
    )


__all__ = ["RUBRIC", "Role", "expert_world", "make_expert", "score"]
