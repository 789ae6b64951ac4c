from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferKind(models.TextChoices):
    COOL_DOWN = "cool_down", _("夏送清凉")
    HEALTH_CHECK = "health_check", _("职工体检")
    DISCOUNT = "discount", _("普惠商家")
    TRAINING = "training", _("技能培训")
    LEGAL = "legal", _("法律服务")
    SANATORIUM = "sanatorium", _("劳模疗休养")


class OfferState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("报名中")
    CLOSED = "closed", _("已结束")


class SignupState(models.TextChoices):
    PENDING = "pending", _("待工会确认")
    CONFIRMED = "confirmed", _("报名成功")
    WAITING = "waiting", _("候补中")
    REFUSED = "refused", _("未通过")
    CANCELLED = "cancelled", _("已取消")


# The sign-ups that hold one of the offer's places (the offer's ``taken`` counts exactly these).
HOLDING = (SignupState.PENDING, SignupState.CONFIRMED)
# The sign-ups that keep a member from signing up again for the same offer.
ACTIVE = (SignupState.PENDING, SignupState.CONFIRMED, SignupState.WAITING)
