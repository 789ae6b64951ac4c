from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "unionportal.accounts"
    label = "accounts"
    verbose_name = _("账户管理")

    def ready(self):
        from unionportal import periodic

        from .phone import phone_codes_purge

        periodic.register("accounts.phone_codes_purge")(phone_codes_purge)
