"""Rights protection (职工维权): a worker's request (or an anonymous safety tip), its evidence, the steps
its handlers log, and enterprises flagged for repeated requests.

Every request carries ``org_path``: the path of the union handling it now (the employer's union, else
its township union, else the county union chosen; the parent union once escalated), so queues and
scoping are prefix tests on one indexed column, and ``origin_path``: the union it was first routed to,
which the statistics group by (where the employer is, whoever handles it now).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.orgs.models import Enterprise, Organisation
from unionportal.uploads.models import StoredFile

from .enums import OPEN_STATES, Outcome, OverdueStage, RequestKind, RequestState, StepKind

# The fragment-cache topic of requests and flags (rights.apps follows their writes): the home page's
# to-do counts are kept under it.
RIGHTS_TOPIC = "rights"


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "rights_request", action, "org_path"))

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class RightsRequest(models.Model):
    kind = models.CharField(_("类别"), max_length=20, choices=RequestKind.choices)
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    # Empty for an anonymous tip: no account, no phone, no address is kept with it.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请职工"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rights_requests",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rights_requests",
    )
    employer_name = models.CharField(_("用人单位名称"), max_length=200)
    facts = models.TextField(_("事实经过"), max_length=4000)
    demands = models.TextField(_("诉求"), max_length=2000, blank=True)
    union = models.ForeignKey(
        Organisation, verbose_name=_("承办工会"), on_delete=models.PROTECT, related_name="rights_requests"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    origin_path = models.CharField(max_length=255, db_index=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    filed_at = models.DateTimeField(_("提交时间"), db_index=True)
    accept_due = models.DateField(_("受理期限"))
    conclude_due = models.DateField(_("办结期限"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    concluded_late = models.BooleanField(_("逾期办结"), default=False)
    outcome = models.CharField(_("办理结果"), max_length=16, choices=Outcome.choices, blank=True)
    conclusion = models.TextField(_("办结意见"), max_length=2000, blank=True)
    overdue_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True)
    overdue_stage = models.CharField(_("逾期情形"), max_length=10, choices=OverdueStage.choices, blank=True)
    escalations = models.PositiveSmallIntegerField(_("上报次数"), default=0)
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("满意度评分"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("评价"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    # An anonymous tip's tracking code, kept only as its SHA-256: the code is shown once, never again.
    tracking_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("维权申请")
        verbose_name_plural = pgettext_lazy("plural", "维权申请")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "filed_at"], name="rights_request_enterprise")]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="rights_rating_1_5"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(worker__isnull=True), name="rights_anonymous_has_no_worker"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(state=RequestState.CONCLUDED),
                name="rights_rated_only_when_concluded",
            ),
            models.UniqueConstraint(
                fields=["tracking_hash"], condition=~Q(tracking_hash=""), name="rights_tracking_unique"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.employer_name}"

    def get_absolute_url(self):
        return reverse("rights:request", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        if not (self.pk and self.filed_at):
            return ""
        return f"WQ{timezone.localtime(self.filed_at):%Y%m%d}-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def overdue_on(self, today) -> str:
        """The overdue stage on ``today`` (live, whatever the job has flagged yet), or ""."""
        if self.state == RequestState.SUBMITTED and self.accept_due < today:
            return OverdueStage.ACCEPT
        if self.is_open and self.conclude_due < today:
            return OverdueStage.CONCLUDE
        return ""


class Evidence(models.Model):
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="evidence")
    file = models.ForeignKey(StoredFile, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = pgettext_lazy("plural", "证据材料")
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.file.original_name


class Step(models.Model):
    """One action a handler logged: a consultation, a referral, a mediation, a transfer."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("办理方式"), max_length=20, choices=StepKind.choices)
    note = models.TextField(_("办理情况"), max_length=2000)
    union_name = models.CharField(_("办理工会"), max_length=120)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = pgettext_lazy("plural", "办理记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.get_kind_display()


class FlagQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "rights_flag", action, "org_path"))


class EnterpriseFlag(models.Model):
    """An enterprise with N or more requests in M days, for the assistance and bargaining staff."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="rights_flag"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    request_count = models.PositiveIntegerField(_("期间内维权申请数"))
    window_days = models.PositiveSmallIntegerField(_("统计天数"))
    flagged_at = models.DateTimeField(_("标记时间"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("维权预警企业")
        verbose_name_plural = pgettext_lazy("plural", "维权预警企业")
        ordering = ["-flagged_at", "-id"]

    def __str__(self):
        return self.enterprise.name

    def get_absolute_url(self):
        return reverse("rights:flag", kwargs={"pk": self.pk})
