from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CraftsmenConfig(AppConfig):
    name = "craftsmen"
    verbose_name = _("荆楚工匠")
