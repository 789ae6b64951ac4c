"""The innovation-star report group (职工创业创新明星报告团): tours, their stops, the public schedule and the
totals per level. Staff of the organiser's subtree set tours up and record each stop; the schedule and
the totals are public (no names but the speakers', which the tour lists for the public)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from unionportal import permissions
from unionportal.accounts.forms import CrispyMixin
from unionportal.audit import services as audit
from unionportal.i18n import UserDataSelect, UserDataSelectMultiple
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import scope_q
from unionportal.permissions import permission, public
from unionportal.public.cache import invalidate
from unionportal.public.models import PublicEntry
from unionportal.uploads.forms import CheckedMultipleFileField
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import upload_store

from .models import Stop, Tour
from .services import CompetitionError

# --- services ------------------------------------------------------------------------------------------------


def _staff_organisations(user):
    return Organisation.objects.filter(
        scope_q(user, "path", roles=permissions.roles_for("report_tour", "change")),
        level__lt=Level.GRASSROOTS,
    ).order_by("path")


MAX_STOP_PHOTOS = 6
HONOUREE_CHOICES = 300


def honouree_line(entry: PublicEntry) -> str:
    """How a published honouree is listed as a speaker: 姓名，单位 · 年度奖项."""
    unit = f"{entry.unit} · " if entry.unit else ""
    return f"{entry.name}，{unit}{entry.year}年{entry.award}"


def honouree_choices():
    return PublicEntry.objects.published().order_by("-year", "name", "id")[:HONOUREE_CHOICES]


def tour_create(
    *,
    actor,
    title: str,
    organiser: Organisation,
    speakers: str,
    description: str = "",
    honourees=(),
) -> Tour:
    """Staff of the organiser or above; at least one speaker, typed or chosen from the published
    honourees (listed first, in the order chosen)."""
    if not permissions.covers(actor, "report_tour", "change", organiser.path):
        raise CompetitionError(_("您不能以该组织的名义组织巡讲。"))
    chosen = list(PublicEntry.objects.published().filter(pk__in=[e.pk for e in honourees]))
    if len(chosen) != len(honourees):
        raise CompetitionError(_("所选报告人不在已公布的获奖名单中。"))
    lines = [honouree_line(e) for e in chosen]
    typed = [line.strip() for line in speakers.splitlines() if line.strip()]
    speakers = "\n".join(dict.fromkeys(lines + typed))
    if len(speakers) > 2000:
        raise CompetitionError(_("报告人名单过长（最多 2000 字）。"))
    if not speakers:
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


def stop_report(*, actor, stop_id: int, audience, feedback: str, photos=(), today=None) -> Stop:
    """After a stop: how many came, the feedback, and photos (content-checked images, public since the
    schedule shows them). Only a stop held already; at most MAX_STOP_PHOTOS photos."""
    today = today or timezone.localdate()
    with transaction.atomic():
        stop = get_object_or_404(
            Stop.objects.filter(tour__in=Tour.objects.visible_to(actor, "change")).select_for_update(
                of=("self",)
            ),
            pk=stop_id,
        )
        problems = []
        if stop.date > today:
            problems.append(_("场次尚未举行，不能填写听众人数、反馈或上传照片。"))
        if stop.photos.count() + len(photos) > MAX_STOP_PHOTOS:
            problems.append(_("每个场次最多上传 %(n)s 张照片。") % {"n": MAX_STOP_PHOTOS})
        if problems:
            raise CompetitionError(" ".join(problems))
        stop.audience, stop.feedback = audience, feedback.strip()
        stop.save(update_fields=["audience", "feedback"])
        host = stop.host
        for photo in photos:
            stop.photos.add(
                upload_store(file=photo, kind="image", actor=actor, organisation=host, public=True)
            )
        audit.record(
            actor=actor,
            action="competitions.tour.report",
            obj=stop.tour,
            changes={"stop": [None, str(stop)], "photos": [None, str(len(photos))]},
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
    honourees = forms.MultipleChoiceField(
        label=gettext_lazy("从已公布的获奖名单中选择报告人"),
        required=False,
        widget=UserDataSelectMultiple(attrs={"size": 6}),
    )
    field_order = ["title", "organiser", "honourees", "speakers", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = _staff_organisations(user)
        self.fields["speakers"].required = False
        self._entries = {str(e.pk): e for e in honouree_choices()}
        self.fields["honourees"].choices = [(pk, honouree_line(e)) for pk, e in self._entries.items()]

    def clean_honourees(self):
        return [self._entries[pk] for pk in self.cleaned_data["honourees"] if pk in self._entries]


class StopReportForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("保存")

    audience = forms.IntegerField(label=gettext_lazy("听众人数"), min_value=0, max_value=1_000_000)
    feedback = forms.CharField(
        label=gettext_lazy("反馈"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = CheckedMultipleFileField(
        kind="image",
        max_files=MAX_STOP_PHOTOS,
        required=False,
        label=gettext_lazy("现场照片"),
        help_text=gettext_lazy("JPEG、PNG 或 WebP 图片，最多 6 张，将在公开日程中显示。"),
    )


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
    stops = Stop.objects.filter(tour=tour).select_related("host").prefetch_related("photos")
    return render(
        request,
        "competitions/tour.html",
        {
            "tour": tour,
            "stops": list(stops),
            "totals": totals_per_level(stops),
            "form": form if permissions.allows(request.user, "report_tour", "change", tour) else None,
            "can_report": permissions.allows(request.user, "report_tour", "change", tour),
            "today": timezone.localdate(),
        },
    )


@permission("report_tour", "change")
@require_http_methods(["GET", "POST"])
def stop_detail(request, pk):
    stop = get_object_or_404(
        Stop.objects.filter(tour__in=Tour.objects.visible_to(request.user, "change")).select_related("tour"),
        pk=pk,
    )
    form = StopReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"audience": stop.audience, "feedback": stop.feedback},
    )
    if request.method == "POST" and form.is_valid():
        try:
            stop_report(
                actor=request.user,
                stop_id=stop.pk,
                audience=form.cleaned_data["audience"],
                feedback=form.cleaned_data["feedback"],
                photos=form.cleaned_data["photos"] or [],
            )
        except CompetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("场次情况已保存。"))
            return redirect(stop.tour)
    return render(
        request,
        "competitions/stop.html",
        {
            "stop": stop,
            "form": form,
            "photos": list(stop.photos.all()),
            "held": stop.date <= timezone.localdate(),
        },
    )


@public
def schedule(request):
    """The public schedule: upcoming stops first, then the past ones, with the totals per level."""
    today = timezone.localdate()
    stops = Stop.objects.select_related("tour", "host")
    upcoming = list(stops.filter(date__gte=today).order_by("date", "id")[:50])
    past = Paginator(
        stops.filter(date__lt=today)
        .prefetch_related(Prefetch("photos", queryset=StoredFile.objects.filter(is_public=True)))
        .order_by("-date", "-id"),
        25,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "competitions/schedule.html",
        {"upcoming": upcoming, "page": past, "totals": totals_per_level(Stop.objects.all()), "today": today},
    )
