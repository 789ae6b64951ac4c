from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "unionportal.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self):
        from unionportal import periodic

        from .services import sweep

        periodic.register("notifications.sweep")(sweep)
