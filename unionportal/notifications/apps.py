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

        from django.db.models.signals import post_delete, post_save

        from .models import Notification
        from .services import unread_changed

        # A row saved (delivered into the inbox) or deleted moves its recipient's unread count; the
        # services' own bulk updates (marking read) say so themselves.
        def changed(sender, instance, **kwargs):
            unread_changed(instance.recipient_id)

        for signal in (post_save, post_delete):
            signal.connect(changed, sender=Notification, weak=False, dispatch_uid="notifications.unread")
