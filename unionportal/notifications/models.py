from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    INBOX = "inbox", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class Language(models.TextChoices):
    """The languages a notification is rendered in (the site's, settings.LANGUAGES)."""

    ZH_HANS = "zh-hans", _("简体中文")
    EN = "en", _("English")


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    # Handed to the mail or SMS gateway and not yet answered; a row left here was cut off mid-send.
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    """An outbox row: one message to one recipient on one channel.

    Written in the transaction of the change that causes it; a Celery task delivers it after commit
    and a periodic sweep delivers whatever is still pending, so nothing is lost while the broker is
    down. An inbox message is this row itself, shown once delivered. An e-mail or SMS is marked
    ``sending`` (the attempt counted) before it goes out and ``sent`` once the gateway took it, so a
    delivery cut off in between leaves a row that says so.

    The message is ``event`` with ``params``, rendered from the event's registered template
    (``registry.py``) in the recipient's language when it is shown or sent. ``subject`` and ``body``
    hold it as rendered when written, in ``language``: what the admin lists, and the message itself
    for rows without parameters (written before templates, or events without one).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    event = models.CharField(_("事件"), max_length=80)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    params = models.JSONField(_("参数"), null=True, blank=True)
    language = models.CharField(_("语言"), max_length=10, choices=Language.choices, default=Language.ZH_HANS)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    attempted_at = models.DateTimeField(_("最近尝试时间"), null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_outbox"),
            models.Index(fields=["recipient", "channel", "status", "read_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"


class Preference(models.Model):
    """Which channels besides the inbox a user wants, and the language of their notifications."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("同时发送电子邮件"), default=True)
    sms = models.BooleanField(_("同时发送短信"), default=False)
    language = models.CharField(
        _("通知语言"),
        max_length=10,
        choices=Language.choices,
        default=Language.ZH_HANS,
        help_text=_("站内消息、电子邮件和短信使用的语言。"),
    )

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = pgettext_lazy("plural", "通知偏好")

    def __str__(self):
        return str(self.user)
