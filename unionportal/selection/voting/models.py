"""Public evaluation (社会评议): a programme's vote stage, its candidates, the voters and their votes.

A programme lists the vote stage by having a ``VoteStage`` row: the window, the limits per voter, whether
results stay hidden until the window closes, and the weights of the expert and the public score. Opening
the vote writes a public-table row (stage "vote") for each candidate; the public pages read those rows and
the tables here, never a candidacy.

Counting: every vote is a row and a candidate's count is an aggregate over the rows whose status is
"counted" (see ``selectors.counts``), not a counter column. Each vote is its own INSERT, so concurrent
votes never read-modify-write a shared row and none can be lost; quarantining, releasing and discarding
change a vote's status, and the counts follow without a second figure to keep in step.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.accounts.validators import mask_mobile
from unionportal.public.models import PublicEntry
from unionportal.selection.models import Candidacy, Programme

from .enums import Period, VoteStatus


class VoteStage(models.Model):
    """The public vote of one programme and its rules."""

    programme = models.OneToOneField(
        Programme, verbose_name=_("评选项目"), on_delete=models.PROTECT, related_name="vote_stage"
    )
    opens_at = models.DateTimeField(_("投票开始"))
    closes_at = models.DateTimeField(_("投票截止"))
    period = models.CharField(_("限票周期"), max_length=8, choices=Period.choices, default=Period.DAY)
    votes_per_candidate = models.PositiveSmallIntegerField(_("每人每周期对同一候选人限投票数"), default=1)
    candidates_per_day = models.PositiveSmallIntegerField(_("每人每天最多投票候选人数"), default=10)
    hide_results = models.BooleanField(
        _("投票结束前不公开票数"), default=True, help_text=_("勾选后，公众在投票截止后才能看到票数。")
    )
    expert_weight = models.PositiveSmallIntegerField(_("专家评审权重（%）"), default=70)
    public_weight = models.PositiveSmallIntegerField(_("社会评议权重（%）"), default=30)
    opened_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("提前结束时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("社会评议")
        verbose_name_plural = pgettext_lazy("plural", "社会评议")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="votestage_window"),
            models.CheckConstraint(
                condition=Q(expert_weight__lte=100) & Q(public_weight__lte=100),
                name="votestage_weights_range",
            ),
            models.CheckConstraint(
                condition=Q(votes_per_candidate__gte=1) & Q(candidates_per_day__gte=1),
                name="votestage_limits_positive",
            ),
        ]

    def __str__(self):
        return _("%(programme)s 社会评议") % {"programme": self.programme.label}

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("投票截止时间必须晚于开始时间。")
        if (self.expert_weight or 0) + (self.public_weight or 0) != 100:
            errors["public_weight"] = _("专家评审权重与社会评议权重之和必须为 100。")
        if errors:
            raise ValidationError(errors)

    def audit_org_path(self) -> str:
        from unionportal.orgs.models import Organisation

        root = Organisation.objects.filter(depth=1).only("path").first()
        return root.path if root else ""

    @property
    def ends_at(self):
        """When voting ends: the window's close, or earlier when staff closed the vote."""
        return min(self.closes_at, self.closed_at) if self.closed_at else self.closes_at

    def is_open(self) -> bool:
        return self.opened_at is not None

    def is_running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opened_at is not None and self.opens_at <= now < self.ends_at

    def has_ended(self, now=None) -> bool:
        return self.opened_at is not None and (now or timezone.now()) >= self.ends_at

    def results_public(self, now=None) -> bool:
        return not self.hide_results or self.has_ended(now)


class VoteCandidate(models.Model):
    """A candidacy in a vote, with the public row the vote pages show for it."""

    stage = models.ForeignKey(VoteStage, on_delete=models.CASCADE, related_name="candidates")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(PublicEntry, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("评议候选人")
        verbose_name_plural = pgettext_lazy("plural", "评议候选人")
        ordering = ["stage", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "candidacy"], name="votecandidate_unique"),
        ]

    def __str__(self):
        return str(self.entry.name)


def phone_segment(phone: str) -> str:
    """The number segment (号段 and area block) of a mobile number: its first seven digits."""
    return (phone or "")[:7]


class Voter(models.Model):
    """A person who votes: a verified mobile number (not an account), with the consent they gave."""

    phone = models.CharField(_("手机号"), max_length=11, unique=True)
    consent_at = models.DateTimeField(_("同意时间"))
    consent_text = models.CharField(_("同意内容"), max_length=300)
    created_at = models.DateTimeField(_("首次验证"), auto_now_add=True)

    class Meta:
        verbose_name = _("投票人")
        verbose_name_plural = pgettext_lazy("plural", "投票人")

    def __str__(self):
        return mask_mobile(self.phone)

    @property
    def segment(self) -> str:
        return phone_segment(self.phone)


def session_digest(key: str) -> str:
    return hashlib.sha256((key or "").encode()).hexdigest()


class VoterSession(models.Model):
    """A voter's verified session: the cookie holds a random key, the table only its digest."""

    digest = models.CharField(max_length=64, unique=True)
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("投票会话")
        verbose_name_plural = pgettext_lazy("plural", "投票会话")

    def __str__(self):
        return f"{self.voter} {self.created_at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    """One vote. It counts while its status is "counted"; a flagged vote waits in quarantine."""

    # Every vote updates each of its indexes, so none is kept that another one covers: the stage's and the
    # voter's lookups lead the indexes below, and the nonce's uniqueness is a constraint (a unique
    # CharField also gets a LIKE index on PostgreSQL, which nothing here asks for).
    stage = models.ForeignKey(VoteStage, on_delete=models.CASCADE, related_name="votes", db_index=False)
    candidate = models.ForeignKey(VoteCandidate, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="votes", db_index=False)
    session = models.ForeignKey(VoterSession, on_delete=models.SET_NULL, null=True, related_name="+")
    day = models.DateField(_("投票日期"))
    created_at = models.DateTimeField(_("投票时间"))
    client_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    network = models.CharField(_("来源网段"), max_length=64, blank=True)
    device = models.CharField(max_length=64, blank=True)
    segment = models.CharField(_("号段"), max_length=7, blank=True)
    # The single-use token of the post that cast it: a replayed post finds it taken.
    nonce = models.CharField(max_length=64)
    status = models.CharField(
        _("状态"), max_length=12, choices=VoteStatus.choices, default=VoteStatus.COUNTED
    )
    # Anomaly flags, comma-wrapped (",network,burst,"): one string, so the quarantine groups by it.
    flags = models.CharField(_("异常标记"), max_length=80, blank=True)
    # Set when staff released or discarded it: the checks do not quarantine a reviewed vote again.
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = pgettext_lazy("plural", "投票")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["nonce"], name="vote_nonce_unique")]
        indexes = [
            models.Index(fields=["stage", "status", "candidate"], name="vote_count"),
            models.Index(fields=["voter", "stage", "day"], name="vote_voter_day"),
            models.Index(fields=["stage", "network", "created_at"], name="vote_network"),
            models.Index(fields=["stage", "segment", "created_at"], name="vote_segment"),
            models.Index(fields=["stage", "candidate", "created_at"], name="vote_burst"),
            models.Index(fields=["stage", "client_ip", "created_at"], name="vote_address"),
            models.Index(fields=["stage", "device", "created_at"], name="vote_device"),
            # No (stage, created_at) index: while a vote runs the statistics lag behind its newest rows,
            # and PostgreSQL then took it for the anomaly counts over the last minutes (reading every
            # recent vote of the stage) instead of the network, segment, address and device ones above.
        ]

    def __str__(self):
        return f"{self.voter} → {self.candidate_id} {self.created_at:%Y-%m-%d %H:%M:%S}"

    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]
