from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_org_path(apps, schema_editor):
    """Copy each household's organisation path into the new column (one UPDATE)."""
    Household = apps.get_model("assistance", "Household")
    Organisation = apps.get_model("orgs", "Organisation")
    Household.objects.update(
        org_path=Subquery(Organisation.objects.filter(pk=OuterRef("organisation_id")).values("path")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("orgs", "0002_chinese_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="org_path",
            field=models.CharField(default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_org_path, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(
                fields=["org_path", "state", "-created_at"],
                name="household_scope_state",
                opclasses=["varchar_pattern_ops", "varchar_ops", "timestamptz_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["-created_at", "-id"], name="household_recent"),
        ),
    ]
