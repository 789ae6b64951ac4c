from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainingConfig(AppConfig):
    name = "bargaining"
    verbose_name = _("工资集体协商")
