from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    name = "unionportal.uploads"
    label = "uploads"
    verbose_name = _("上传")

    def ready(self):
        from django.core.cache import cache

        from unionportal import periodic

        from .services import stored_files_purge_orphans

        @periodic.register("uploads.purge_orphans")
        def purge_orphans_daily(*, now):
            # The tick runs every minute; walking the media folder once a day is enough.
            if not cache.add("uploads.purge_orphans.ran", 1, timeout=24 * 3600):
                return "skipped"
            return len(stored_files_purge_orphans(now=now))
