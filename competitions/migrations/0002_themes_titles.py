"""The campaign plan's five competition themes and the three titles a competition confers, as data."""

from django.db import migrations

from competitions.catalogue import THEMES, TITLES


def add(apps, schema_editor):
    Theme = apps.get_model("competitions", "Theme")
    WinnerTitle = apps.get_model("competitions", "WinnerTitle")
    for order, (code, name) in enumerate(THEMES):
        Theme.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, kind) in enumerate(TITLES):
        WinnerTitle.objects.update_or_create(code=code, defaults={"name": name, "entrant_kind": kind, "order": order})


def remove(apps, schema_editor):
    apps.get_model("competitions", "Theme").objects.filter(code__in=[c for c, _n in THEMES]).delete()
    apps.get_model("competitions", "WinnerTitle").objects.filter(code__in=[c for c, _n, _k in TITLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("competitions", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
