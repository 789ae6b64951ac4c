"""The innovation-star report group (职工创业创新明星报告团): tours, their stops, the public schedule and the
totals per level. Staff of the organiser's subtree set tours up and record each stop; the schedule and
the totals are public (no names but the speakers', which the tour lists for the public)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from unionportal import permissions
from unionportal.accounts.forms import CrispyMixin
from unionportal.audit import services as audit
from unionportal.i18n import UserDataSelect
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import scope_q
from unionportal.permissions import permission, public
from unionportal.public.cache import invalidate

from .models import Stop, Tour
from .services import CompetitionError

# --- services ------------------------------------------------------------------------------------------------


def _staff_organisations(user):
    return Organisation.objects.filter(
        scope_q(user, "path", roles=permissions.roles_for("report_tour", "change")),
        level__lt=Level.GRASSROOTS,
    ).order_by("path")


def tour_create(*, actor, title: str, organiser: Organisation, speakers: str, description: str = "") -> Tour:
    """Staff of the organiser or above; at least one speaker."""
    if not permissions.covers(actor, "report_tour", "change", organiser.path):
        raise CompetitionError(_("您不能以该组织的名义组织巡讲。"))
    if not [line for line in speakers.splitlines() if line.strip()]:
        raise CompetitionError(_("请填写至少一位报告人。"))
    with transaction.atomic():
        tour = Tour.objects.create(
            title=title.strip(),
            organiser=organiser,
            org_path=organiser.path,
            speakers=speakers,
            description=description,
        )
        audit.record(actor=actor, action="competitions.tour.create", obj=tour)
    invalidate()
    return tour


def stop_add(*, actor, tour_id: int, data: dict) -> Stop:
    """Record a stop of a tour: the host a union of the organiser's subtree; the audience only for a past
    stop (nobody has heard a talk yet to come)."""
    with transaction.atomic():
        tour = get_object_or_404(Tour.objects.visible_to(actor, "change").select_for_update(), pk=tour_id)
        host = data["host"]
        problems = []
        if not host.path.startswith(tour.org_path):
            problems.append(_("承办工会须在主办单位及其下级组织之内。"))
        if data.get("audience") and data["date"] > timezone.localdate():
            problems.append(_("尚未举行的场次不能填写听众人数。"))
        if problems:
            raise CompetitionError(" ".join(problems))
        stop = Stop.objects.create(tour=tour, **data)
        audit.record(
            actor=actor, action="competitions.tour.stop", obj=tour, changes={"stop": [None, str(stop)]}
        )
    invalidate()
    return stop


def totals_per_level(stops) -> list[dict]:
    """Talks given and people reached per level of the host union (one aggregate query)."""
    rows = (
        stops.filter(date__lte=timezone.localdate())
        .values("host__level")
        .annotate(talks=Count("id"), people=Sum("audience", default=0))
        .order_by("host__level")
    )
    labels = dict(Level.choices)
    return [
        {"level": labels.get(r["host__level"], ""), "talks": r["talks"], "people": r["people"]} for r in rows
    ]


# --- forms -----------------------------------------------------------------------------------------------------


class TourForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("保存")

    title = forms.CharField(label=gettext_lazy("巡讲名称"), max_length=120)
    organiser = forms.ModelChoiceField(
        label=gettext_lazy("主办单位"), queryset=Organisation.objects.none(), widget=UserDataSelect
    )
    speakers = forms.CharField(
        label=gettext_lazy("报告人"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("每行一位：姓名，单位或荣誉（可选自已公布的获奖名单）。"),
    )
    description = forms.CharField(
        label=gettext_lazy("简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = _staff_organisations(user)


class StopForm(CrispyMixin, forms.ModelForm):
    submit_label = gettext_lazy("添加场次")

    class Meta:
        model = Stop
        fields = ["date", "venue", "venue_kind", "host", "audience", "feedback"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "host": UserDataSelect,
            "feedback": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, tour, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Organisation.objects.filter(path__startswith=tour.org_path).order_by(
            "path"
        )


# --- views -----------------------------------------------------------------------------------------------------


@permission("report_tour", "list")
@require_http_methods(["GET", "POST"])
def tour_list(request):
    form = TourForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            tour = tour_create(actor=request.user, **form.cleaned_data)
        except CompetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("巡讲已保存。"))
            return redirect(tour)
    tours = (
        Tour.objects.visible_to(request.user)
        .select_related("organiser")
        .annotate(stop_count=Count("stops"))
        .order_by("-id")
    )
    page = Paginator(tours, 25).get_page(request.GET.get("page"))
    can_create = permissions.may(request.user, "report_tour", "change")
    return render(request, "competitions/tours.html", {"page": page, "form": form if can_create else None})


@permission("report_tour", "open", post="change")
@require_http_methods(["GET", "POST"])
def tour_detail(request, pk):
    action = "change" if request.method == "POST" else "open"
    tour = get_object_or_404(Tour.objects.visible_to(request.user, action).select_related("organiser"), pk=pk)
    form = StopForm(request.POST or None, tour=tour)
    if request.method == "POST" and form.is_valid():
        try:
            stop_add(actor=request.user, tour_id=tour.pk, data=form.cleaned_data)
        except CompetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("场次已添加。"))
            return redirect(tour)
    stops = Stop.objects.filter(tour=tour).select_related("host")
    return render(
        request,
        "competitions/tour.html",
        {
            "tour": tour,
            "stops": list(stops),
            "totals": totals_per_level(stops),
            "form": form if permissions.allows(request.user, "report_tour", "change", tour) else None,
        },
    )


@public
def schedule(request):
    """The public schedule: upcoming stops first, then the past ones, with the totals per level."""
    today = timezone.localdate()
    stops = Stop.objects.select_related("tour", "host")
    upcoming = list(stops.filter(date__gte=today).order_by("date", "id")[:50])
    past = Paginator(stops.filter(date__lt=today).order_by("-date", "-id"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "competitions/schedule.html",
        {"upcoming": upcoming, "page": past, "totals": totals_per_level(Stop.objects.all()), "today": today},
    )
