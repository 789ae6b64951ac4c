"""Hubei's minimum wage tiers from 2021-09-01, as data rows (editable in the admin); see
bargaining/minimum_wages.py for the figures and what staff must check."""

from django.db import migrations

from bargaining import minimum_wages


def seed(apps, schema_editor):
    minimum_wages.load(apps.get_model("bargaining", "MinimumWage"))


def unseed(apps, schema_editor):
    MinimumWage = apps.get_model("bargaining", "MinimumWage")
    codes = [r[0] for r in minimum_wages.REGIONS]
    MinimumWage.objects.filter(effective_from=minimum_wages.FROM, region_code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("bargaining", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
