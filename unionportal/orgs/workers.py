"""A worker's own real-name profile: saved with its audit event, one account per ID number."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from unionportal.accounts.validators import normalise_id_number
from unionportal.audit import services as audit

from .enums import JoinState
from .models import JoinApplication, Member, WorkerProfile


def worker_profile_save(
    *, user, name: str, id_number: str, employer=None, occupation: str = "", work_township=None, job: str = ""
) -> WorkerProfile:
    """Create or update ``user``'s profile. Raises ValidationError saying why (another account holds the
    ID number; the ID number of a registered member cannot be changed here), writing nothing then."""
    id_number = normalise_id_number(id_number)
    profile = WorkerProfile.objects.filter(user=user).first() or WorkerProfile(user=user)
    before = {
        "name": profile.name,
        "id_number": profile.masked_id_number,
        "employer": str(profile.employer or ""),
    }
    if profile.pk and profile.id_number != id_number:
        if Member.objects.filter(user=user).exists():
            raise ValidationError(
                {"id_number": _("您已登记为工会会员，身份证号不能自行修改，请联系所在工会。")}
            )
        if JoinApplication.objects.filter(applicant=user, state=JoinState.SUBMITTED).exists():
            raise ValidationError({"id_number": _("您有待审核的入会申请，请先撤回再修改身份证号。")})
    profile.name = (name or "").strip()
    profile.id_number = id_number
    profile.employer = employer
    profile.occupation = occupation or ""
    profile.work_township = work_township if employer is None else None
    profile.job = (job or "").strip()
    profile.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    if WorkerProfile.objects.filter(id_number=id_number).exclude(user=user).exists():
        raise ValidationError(
            {"id_number": _("该身份证号已由其他账户完成实名认证。如非本人操作，请联系工会。")}
        )
    created = profile.pk is None
    try:
        with transaction.atomic():
            profile.save()
            if user.name != profile.name:
                user.name = profile.name
                user.save(update_fields=["name"])
            audit.record(
                actor=user,
                action="orgs.worker_profile.create" if created else "orgs.worker_profile.update",
                obj=profile,
                org_path="",
                changes=audit.field_changes(
                    before,
                    {
                        "name": profile.name,
                        "id_number": profile.masked_id_number,
                        "employer": str(profile.employer or ""),
                    },
                ),
            )
    except IntegrityError:
        raise ValidationError(
            {"id_number": _("该身份证号已由其他账户完成实名认证。如非本人操作，请联系工会。")}
        ) from None
    return profile
