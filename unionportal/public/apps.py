from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "unionportal.public"
    label = "public"
    verbose_name = _("公开网站")

    def ready(self):
        from unionportal import demo, periodic
        from unionportal.orgs.paths import register_path_copy
        from unionportal.reports.registry import register_dashboard_provider

        from . import (
            dashboard,
            signals,  # noqa: F401  (connects the cache invalidation)
        )
        from .demo import seed_public_demo
        from .demo_education import seed_education_demo
        from .models import LessonCompletion
        from .services import news_went_live

        periodic.register("public.news_went_live")(news_went_live)
        demo.register("public", seed_public_demo)
        # Last: its cartoons go on the honourees the domain apps' seeders publish.
        demo.register("public_education", seed_education_demo, last=True)
        register_path_copy(LessonCompletion, "org_path")
        register_dashboard_provider("publicity", dashboard.provider, trend=dashboard.trend)
