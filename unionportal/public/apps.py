from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "unionportal.public"
    label = "public"
    verbose_name = _("公开网站")

    def ready(self):
        from . import signals  # noqa: F401  (connects the cache invalidation)
