from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import mask_mobile, validate_mobile


class User(AbstractUser):
    """A person who signs in. Chinese names are one field; the phone is optional but unique."""

    name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(
        _("手机号"), max_length=11, unique=True, null=True, blank=True, validators=[validate_mobile]
    )
    phone_verified_at = models.DateTimeField(_("手机验证时间"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("由工作人员创建的账户首次登录时须设置新密码。"),
    )
    created_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    def __str__(self):
        return self.name or self.username

    def save(self, *args, **kwargs):
        # An empty phone is stored as NULL so that the unique constraint allows many accounts without one.
        if not self.phone:
            self.phone = None
        super().save(*args, **kwargs)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def display_name(self) -> str:
        return self.name or self.username


class PhoneCode(models.Model):
    """A one-time code sent by SMS; only its keyed hash is stored."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("验证手机")
        PASSWORD_RESET = "reset", _("重置密码")
        LOGIN = "login", _("登录")
        VOTE = "vote", _("公众评议投票")
        SIGNUP = "signup", _("职工注册")
        NOMINATE = "nominate", _("自荐或推荐最美一线职工")
        NOMINEE_CONSENT = "nominee_consent", _("被推荐人同意")

    phone = models.CharField(max_length=11)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = pgettext_lazy("plural", "短信验证码")
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"], name="phonecode_lookup"),
            models.Index(fields=["client_ip", "created_at"], name="phonecode_ip"),
        ]

    def __str__(self):
        return f"{mask_mobile(self.phone)} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
