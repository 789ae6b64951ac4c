"""Progress of the drive per level: one row per child organisation of the chosen union (and one for the
union's own records), counted by aggregates grouped on the child's path prefix of ``org_path``.

Five queries whatever the number of enterprises, offers or agreements (the union and its children, then
one grouped aggregate each for targets, offers, agreements and coverage), each a range scan of the
``org_path`` index of its table.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.orgs.enums import Industry
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import get_scope

from .enums import SIGNED_STATES, AgreementState, OfferState
from .models import Agreement, BargainingProfile, Coverage, Offer, target_q

FIGURES = (
    ("targets", gettext_lazy("要约对象")),
    ("sent", gettext_lazy("已发要约")),
    ("in_time", gettext_lazy("按期答复")),
    ("overdue", gettext_lazy("逾期未答复")),
    ("signed", gettext_lazy("已签订")),
    ("filed", gettext_lazy("已报送审查")),
    ("in_effect", gettext_lazy("已生效")),
    ("enterprises", gettext_lazy("覆盖企业")),
    ("workers", gettext_lazy("覆盖职工")),
)


@dataclass
class Row:
    key: str
    label: str
    organisation: Organisation | None
    own: bool = False
    figures: dict = field(default_factory=dict)

    @property
    def cells(self):
        return [(key, label, self.figures.get(key, 0)) for key, label in FIGURES]


@dataclass
class Progress:
    current: Organisation
    trail: list
    rows: list[Row]
    total: Row


def _start(user) -> Organisation:
    scope = get_scope(user, permissions.roles_for("bargaining_progress", "list"))
    if scope.everything:
        return Organisation.objects.get(depth=1)
    if not scope.subtree_paths:
        raise Http404
    return Organisation.objects.get(path=scope.subtree_paths[0])


def _grouped(queryset, path: str, **aggregates) -> dict[str, dict]:
    """``aggregates`` of ``queryset`` per child prefix of ``path`` (records of ``path`` itself under it)."""
    width = len(path) + Organisation.steplen
    rows = (
        queryset.filter(org_path__startswith=path)
        .annotate(key=Substr("org_path", 1, width))
        .order_by()
        .values("key")
        .annotate(**aggregates)
    )
    return {row.pop("key"): row for row in rows}


def progress_level(user, org_pk=None) -> Organisation:
    """The level the progress page shows: ``org_pk`` if the user's reach covers it, else Http404; none
    given, the top of the user's reach."""
    current = _start(user) if not org_pk else Organisation.objects.filter(pk=org_pk).first()
    if current is None or not permissions.covers(user, "bargaining_progress", "list", current.path):
        raise Http404
    return current


def progress(user, org_pk=None, *, current: Organisation | None = None) -> Progress:
    if current is None:
        current = progress_level(user, org_pk)
    today = timezone.localdate()
    path = current.path
    children = list(
        Organisation.objects.filter(path__startswith=path, depth=current.depth + 1)
        .order_by("path")
        .only("pk", "name", "path", "depth")
    )
    ancestors = [path[:i] for i in range(Organisation.steplen, len(path), Organisation.steplen)]
    trail = list(Organisation.objects.filter(path__in=ancestors).order_by("depth").only("pk", "name", "path"))
    trail = [o for o in trail if permissions.covers(user, "bargaining_progress", "list", o.path)] + [current]
    targets = _grouped(BargainingProfile.objects.filter(target_q(today)), path, targets=Count("pk"))
    offers = _grouped(
        Offer.objects.all(),
        path,
        sent=Count("pk", filter=~Q(state=OfferState.DRAFT)),
        in_time=Count("pk", filter=Q(replied_on__isnull=False, replied_on__lte=F("reply_due_on"))),
        overdue=Count("pk", filter=Q(state=OfferState.OVERDUE)),
    )
    agreements = _grouped(
        Agreement.objects.all(),
        path,
        signed=Count("pk", filter=Q(state__in=SIGNED_STATES)),
        filed=Count("pk", filter=Q(state__in=(AgreementState.FILED, AgreementState.IN_EFFECT))),
        in_effect=Count("pk", filter=Q(state=AgreementState.IN_EFFECT)),
    )
    coverage = _grouped(
        Coverage.objects.filter(agreement__state__in=SIGNED_STATES),
        path,
        enterprises=Count("enterprise", distinct=True),
        workers=Coalesce(Sum("workers"), 0, output_field=IntegerField()),
    )
    rows = [Row(c.path, c.name, c) for c in children]
    own = Row(path, _("%(name)s（本级）") % {"name": current.name}, current, own=True)
    by_key = {row.key: row for row in rows}
    for part in (targets, offers, agreements, coverage):
        for key, figures in part.items():
            row = by_key.get(key, own if len(key) <= len(path) else None)
            if row is not None:
                for name, value in figures.items():
                    row.figures[name] = row.figures.get(name, 0) + (value or 0)
    if own.figures:
        rows.insert(0, own)
    total = Row("total", _("合计"), None)
    for row in rows:
        for name, value in row.figures.items():
            total.figures[name] = total.figures.get(name, 0) + value
    # (Enterprises covered by several agreements are counted once per row; across rows an enterprise
    # appears once, at its own union.)
    return Progress(current=current, trail=trail, rows=rows, total=total)


def progress_table(data: Progress) -> tuple[list, list]:
    headers = [_("单位"), *[str(label) for _key, label in FIGURES]]
    lines = [[row.label, *[value for _k, _l, value in row.cells]] for row in [*data.rows, data.total]]
    return headers, lines


INDUSTRY_FIGURES = (
    ("enterprises", gettext_lazy("企业")),
    ("staff", gettext_lazy("职工")),
    ("targets", gettext_lazy("要约对象")),
    ("sent", gettext_lazy("已发要约的企业")),
    ("signed", gettext_lazy("已签订的企业")),
    ("in_effect", gettext_lazy("已生效的企业")),
    ("workers", gettext_lazy("覆盖职工")),
)


@dataclass
class IndustryRow:
    key: str
    label: str
    figures: dict = field(default_factory=dict)

    @property
    def cells(self):
        return [(key, label, self.figures.get(key, 0)) for key, label in INDUSTRY_FIGURES]

    @property
    def share(self) -> int | None:
        """Per cent of the industry's enterprises with a signed agreement."""
        total = self.figures.get("enterprises", 0)
        return round(100 * self.figures.get("signed", 0) / total) if total else None


def by_industry(current: Organisation) -> tuple[list[IndustryRow], IndustryRow]:
    """The drive in ``current``'s subtree per industry (GB/T 4754 section) of its enterprises, counted per
    enterprise: one grouped query over the enterprises' bargaining facts (``BargainingProfile``, one per
    enterprise of the drive, a range scan of its ``org_path`` index), the criteria read on the row and the
    offers and agreements of the subtree as IN lists (each scanned once and hashed). An enterprise with no
    bargaining facts recorded is not in the drive and not in this table."""
    today = timezone.localdate()
    path = current.path
    # Each an uncorrelated IN (one hashed scan of the subtree's rows), not a probe per enterprise.
    sent = Offer.objects.filter(org_path__startswith=path).exclude(state=OfferState.DRAFT)
    covered = Coverage.objects.filter(org_path__startswith=path)
    signed = Q(enterprise_id__in=covered.filter(agreement__state__in=SIGNED_STATES).values("enterprise_id"))
    in_effect = Q(
        enterprise_id__in=covered.filter(agreement__state=AgreementState.IN_EFFECT).values("enterprise_id")
    )
    rows = (
        BargainingProfile.objects.filter(org_path__startswith=current.path)
        .order_by()
        .values("enterprise__industry")
        .annotate(
            enterprises=Count("pk"),
            staff=Coalesce(Sum("enterprise__employees"), 0, output_field=IntegerField()),
            targets=Count("pk", filter=target_q(today)),
            sent=Count("pk", filter=Q(enterprise_id__in=sent.values("enterprise_id"))),
            signed=Count("pk", filter=signed),
            in_effect=Count("pk", filter=in_effect),
            workers=Coalesce(Sum("enterprise__employees", filter=signed), 0, output_field=IntegerField()),
        )
    )
    labels = dict(Industry.choices)
    found = {row.pop("enterprise__industry"): row for row in rows}
    out = [IndustryRow(code, str(labels[code]), found[code]) for code in Industry.values if code in found]
    total = IndustryRow("total", _("合计"))
    for row in out:
        for name, value in row.figures.items():
            total.figures[name] = total.figures.get(name, 0) + (value or 0)
    return out, total


def industry_table(current: Organisation) -> tuple[list, list]:
    rows, total = by_industry(current)
    headers = [_("行业"), *[str(label) for _key, label in INDUSTRY_FIGURES]]
    return headers, [[row.label, *[value for _k, _l, value in row.cells]] for row in [*rows, total]]
