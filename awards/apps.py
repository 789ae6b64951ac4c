from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("五一劳动奖")

    def ready(self):
        from unionportal.selection import registry

        registry.register_app("awards", detail_url_name="awards:detail")
