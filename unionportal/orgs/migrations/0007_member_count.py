# The member-count rollup (orgs.MemberCount) the coverage page sums, and three indexes of the registry
# that nothing needs any more (each one more write per imported row).

import django.db.models.deletion
from django.db import migrations, models


def fill_counts(apps, schema_editor):
    """The unions' current members as the registry holds them when the rollup starts."""
    Member = apps.get_model("orgs", "Member")
    MemberCount = apps.get_model("orgs", "MemberCount")
    rows = (
        Member.objects.filter(status="member")
        .values("organisation_id")
        .annotate(n=models.Count("pk"))
        .order_by()
    )
    MemberCount.objects.bulk_create(
        [MemberCount(organisation_id=r["organisation_id"], current=r["n"]) for r in rows], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0006_member_search_keys"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberCount",
            fields=[
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="registry_count",
                        serialize=False,
                        to="orgs.organisation",
                    ),
                ),
                ("current", models.IntegerField(default=0, verbose_name="在会会员数")),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "会员数统计",
                "verbose_name_plural": "会员数统计",
            },
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
        # The counts no longer read the registry, and the scoped indexes all start with org_path.
        migrations.RemoveIndex(model_name="member", name="member_current_path"),
        # A full phone is searched on the tail's index (members.search_q).
        migrations.RemoveIndex(model_name="member", name="member_phone"),
        migrations.AlterField(
            model_name="member",
            name="org_path",
            field=models.CharField(editable=False, max_length=255),
        ),
    ]
