"""A candidacy's earlier honours are stored one by one (year, level code, award) instead of as a line
joined in Chinese, so that pages join them in the reader's language. Existing lines are read back into
that form; a part that does not read as "<year> <level><award>" is kept whole as its award."""

import re

from django.db import migrations

import unionportal.selection.models

LEVELS = {"省级": "provincial", "全国": "national"}
LABELS = {code: label for label, code in LEVELS.items()}
PART = re.compile(r"(\d{4}) (%s)(.*)" % "|".join(LEVELS), re.DOTALL)


def honours_of(line: str) -> list[dict]:
    honours = []
    for part in filter(None, (p.strip() for p in line.split("；"))):
        match = PART.fullmatch(part)
        if match:
            year, label, award = match.groups()
            honours.append({"year": int(year), "level": LEVELS[label], "award": award})
        else:
            honours.append({"award": part})
    return honours


def line_of(honours) -> str:
    parts = [
        f"{h['year']} {LABELS.get(h.get('level'), '')}{h.get('award', '')}" if h.get("year") else h.get("award", "")
        for h in honours or ()
    ]
    return "；".join(parts)[:300]


def forwards(apps, schema_editor):
    Candidacy = apps.get_model("selection", "Candidacy")
    for pk, line in Candidacy.objects.exclude(past_honours="").values_list("pk", "past_honours").iterator():
        Candidacy.objects.filter(pk=pk).update(honours=honours_of(line))


def backwards(apps, schema_editor):
    Candidacy = apps.get_model("selection", "Candidacy")
    for pk, honours in Candidacy.objects.exclude(honours=[]).values_list("pk", "honours").iterator():
        Candidacy.objects.filter(pk=pk).update(past_honours=line_of(honours))


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0006_objection_handled_by_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidacy",
            name="honours",
            field=unionportal.selection.models.PastHonoursField(
                blank=True, default=unionportal.selection.models.PastHonours
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.RemoveField(model_name="candidacy", name="past_honours"),
        migrations.RenameField(model_name="candidacy", old_name="honours", new_name="past_honours"),
        migrations.AlterField(
            model_name="candidacy",
            name="past_honours",
            field=unionportal.selection.models.PastHonoursField(
                blank=True, default=unionportal.selection.models.PastHonours, verbose_name="既往荣誉"
            ),
        ),
    ]
