"""Workers as users, the real-name member registry and online joining (网上入会).

* ``PrivacyNotice``: the privacy notice in versions; ``PrivacyConsent``: who accepted which version, when.
* ``WorkerProfile``: a worker's real-name profile (one per account, one account per ID number).
* ``Member``: one row per person and union membership; a person (by ID number) is a member of one union at
  a time (``member_one_union_per_person``); a transfer closes the row and opens one in the new union, so
  the rows of an ID number are that person's history.
* ``JoinApplication``: a worker's application to a union, decided through the transition service.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.accounts.validators import (
    birth_date_from_id,
    gender_from_id,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    validate_id_number,
    validate_mobile,
)

from .enums import Gender, JoinRoute, JoinState, MemberStatus, Occupation
from .models import Enterprise, Organisation
from .paths import path_of


class PrivacyNotice(models.Model):
    """A version of the privacy notice workers consent to; the newest published one is current."""

    version = models.CharField(_("版本号"), max_length=20, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("隐私政策版本")
        verbose_name_plural = pgettext_lazy("plural", "隐私政策版本")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"{self.title} ({self.version})"


class PrivacyConsent(models.Model):
    """A user accepted a version of the privacy notice at a moment, from an address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents"
    )
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField(_("同意时间"))
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("隐私政策同意记录")
        verbose_name_plural = pgettext_lazy("plural", "隐私政策同意记录")
        constraints = [models.UniqueConstraint(fields=["user", "notice"], name="privacy_consent_once")]

    def __str__(self):
        return f"{self.user_id} · {self.notice.version}"


class WorkerProfile(models.Model):
    """A worker's real-name profile: an employer, or flexible employment with an occupation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worker_profile"
    )
    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, validators=[validate_id_number])
    employer = models.ForeignKey(
        Enterprise,
        verbose_name=_("工作单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="worker_profiles",
    )
    occupation = models.CharField(_("职业"), max_length=20, choices=Occupation.choices, blank=True)
    work_township = models.ForeignKey(
        Organisation,
        verbose_name=_("工作所在乡镇（街道）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    job = models.CharField(_("岗位"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("职工实名信息")
        verbose_name_plural = pgettext_lazy("plural", "职工实名信息")
        constraints = [
            # Either an employer, or flexible employment: an occupation and the township worked in.
            models.CheckConstraint(
                condition=Q(employer__isnull=False, occupation="")
                | Q(employer__isnull=True, work_township__isnull=False) & ~Q(occupation=""),
                name="worker_profile_employer_or_flexible",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_flexible(self) -> bool:
        return self.employer_id is None


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "member", action, "org_path"))

    def current(self):
        return self.filter(status=MemberStatus.MEMBER)


class Member(models.Model):
    """One person's membership of one union (a row of the real-name registry)."""

    # No index of its own (as org_path below): a union's members are read by its path, and each index is
    # one more write per imported row. Deleting a union (PROTECT) scans the table, which the admin does
    # rarely and never for a union with members.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所在工会"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,
    )
    # A copy of the union's path, so that a subtree's registry is one index range (orgs.paths follows it).
    # No index of its own: the scoped indexes below all start with it (a prefix or an equality uses them),
    # and every index is one more write per row of a 100,000-row import.
    org_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("身份证号"), max_length=18, validators=[validate_id_number])
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_mobile])
    # The last four characters of the ID number and of the phone, kept by ``set_search_keys`` (save,
    # clean, the import), so that a search by the last four or a masked form is an index lookup.
    id_tail = models.CharField(max_length=4, editable=False, default="")
    phone_tail = models.CharField(max_length=4, editable=False, blank=True, default="")
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    joined_on = models.DateField(_("入会日期"))
    status = models.CharField(
        _("会籍状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.MEMBER
    )
    left_on = models.DateField(_("转出或退会日期"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("职工账户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="union_memberships",
        db_index=False,  # most members have no account: the partial index below leaves them out
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = pgettext_lazy("plural", "会员")
        ordering = ["-joined_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status="member"),
                name="member_one_union_per_person",
                violation_error_message=_("该身份证号已是其他工会的会员。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["org_path", "-joined_on", "-id"],
                name="member_scope_recent",
                opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"],
            ),
            # The status filter of the scoped list, read organisation by organisation like the list.
            models.Index(
                fields=["org_path", "status", "-joined_on", "-id"],
                name="member_scope_status_recent",
                opclasses=["varchar_pattern_ops", "varchar_ops", "date_ops", "int8_ops"],
            ),
            # A name search is a prefix (surname, or surname and given name) within each organisation.
            models.Index(
                fields=["org_path", "name"],
                name="member_scope_name",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            # The last four (or a masked form) of an ID number or a phone: the tail first (about one
            # row in ten thousand), then the scope's prefix checked in the index.
            models.Index(
                fields=["id_tail", "org_path"],
                name="member_id_tail_scope",
                opclasses=["varchar_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["phone_tail", "org_path"],
                name="member_phone_tail_scope",
                opclasses=["varchar_ops", "varchar_pattern_ops"],
            ),
            # The newest first over the whole tree (the province's list walks it and skips).
            models.Index(fields=["-joined_on", "-id"], name="member_recent"),
            models.Index(fields=["id_number"], name="member_id_number"),
            models.Index(fields=["user"], name="member_user", condition=Q(user__isnull=False)),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    def save(self, *args, **kwargs):
        if self.id_number:
            self.id_number = normalise_id_number(self.id_number)
            if not self.birth_date or not self.gender:
                self.birth_date, self.gender = (
                    birth_date_from_id(self.id_number),
                    gender_from_id(self.id_number),
                )
        self.set_search_keys()
        if self.organisation_id:
            self.org_path = path_of(self, "organisation")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "id_tail", "phone_tail"}
        super().save(*args, **kwargs)

    def set_search_keys(self) -> None:
        """The indexed tails of the ID number and the phone, from the fields as they are now."""
        self.id_tail = (self.id_number or "")[-4:]
        self.phone_tail = (self.phone or "")[-4:]

    def clean(self):
        """Gender and birth date are read from the ID number: given ones must agree with it."""
        self.id_number = normalise_id_number(self.id_number)
        try:
            validate_id_number(self.id_number)
        except ValidationError:
            return  # the field's own validator reports it
        born, gender = birth_date_from_id(self.id_number), gender_from_id(self.id_number)
        errors = {}
        if self.birth_date and self.birth_date != born:
            errors["birth_date"] = _("出生日期与身份证号不符（身份证号中为 %(date)s）。") % {
                "date": born.isoformat()
            }
        if self.gender and self.gender != gender:
            errors["gender"] = _("性别与身份证号不符（身份证号中为%(gender)s）。") % {
                "gender": Gender(gender).label
            }
        if errors:
            raise ValidationError(errors)
        self.birth_date, self.gender = born, gender
        self.set_search_keys()
        if self.organisation_id:
            self.org_path = path_of(self, "organisation")

    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def is_current(self) -> bool:
        return self.status == MemberStatus.MEMBER


class JoinApplicationQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "join_application", action, "org_path"))


class JoinApplication(models.Model):
    """A worker asks a union to take them in; the union accepts (a registry row) or refuses with a reason."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="join_applications",
    )
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("申请加入的工会"),
        on_delete=models.PROTECT,
        related_name="join_applications",
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    route = models.CharField(_("入会途径"), max_length=16, choices=JoinRoute.choices)
    # What the applicant said of themselves when applying (the profile may change later).
    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("身份证号"), max_length=18, validators=[validate_id_number])
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    employer_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    occupation = models.CharField(_("职业"), max_length=20, choices=Occupation.choices, blank=True)
    job = models.CharField(_("岗位"), max_length=60, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=JoinState.choices, default=JoinState.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JoinApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = pgettext_lazy("plural", "入会申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(state="submitted"),
                name="join_one_open_application",
                violation_error_message=_("您已有一份待审核的入会申请。"),
            ),
        ]
        indexes = [models.Index(fields=["org_path", "state"], name="join_scope_state")]

    def __str__(self):
        return f"{self.name} → {self.union.name}"

    def save(self, *args, **kwargs):
        if self.union_id:
            self.org_path = path_of(self, "union")
        super().save(*args, **kwargs)

    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)


class MemberCount(models.Model):
    """How many current members one union has: the registry's rollup, which the coverage page sums.

    One row per union that has (or had) members, moved in the same transaction as every write that
    changes a member's status or union (``members.member_counts_add``: an upsert adding to the row,
    so concurrent writes never lose one) and rebuilt by ``members.member_counts_recount``. Not a
    positive field: a registry row written around the services must not make a later leave fail; the
    recount puts the figure right.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="registry_count"
    )
    current = models.IntegerField(_("在会会员数"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会员数统计")
        verbose_name_plural = pgettext_lazy("plural", "会员数统计")

    def __str__(self):
        return f"{self.organisation_id}: {self.current}"
