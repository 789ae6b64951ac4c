from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "unionportal.public"
    label = "public"
    verbose_name = _("公开网站")

    def ready(self):
        from unionportal import demo, periodic

        from . import signals  # noqa: F401  (connects the cache invalidation)
        from .demo import seed_public_demo
        from .services import news_went_live

        periodic.register("public.news_went_live")(news_went_live)
        demo.register("public", seed_public_demo)
