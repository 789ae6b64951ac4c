"""The 2026 public holidays and make-up working days (国务院办公厅关于2026年部分节假日安排的通知).

Only exceptions are stored: holidays that fall on Monday to Friday and working days on a weekend. Days
off that fall on a weekend anyway (e.g. 1月3日, a Saturday) need no row.
"""

from datetime import date

from django.db import migrations

# (date, is_workday, note)
DAYS_2026 = [
    (date(2026, 1, 1), False, "元旦"),
    (date(2026, 1, 2), False, "元旦"),
    (date(2026, 1, 4), True, "元旦调休上班"),
    (date(2026, 2, 14), True, "春节调休上班"),
    (date(2026, 2, 16), False, "春节"),
    (date(2026, 2, 17), False, "春节"),
    (date(2026, 2, 18), False, "春节"),
    (date(2026, 2, 19), False, "春节"),
    (date(2026, 2, 20), False, "春节"),
    (date(2026, 2, 23), False, "春节"),
    (date(2026, 2, 28), True, "春节调休上班"),
    (date(2026, 4, 6), False, "清明节"),
    (date(2026, 5, 1), False, "劳动节"),
    (date(2026, 5, 4), False, "劳动节"),
    (date(2026, 5, 5), False, "劳动节"),
    (date(2026, 5, 9), True, "劳动节调休上班"),
    (date(2026, 6, 19), False, "端午节"),
    (date(2026, 9, 20), True, "国庆节调休上班"),
    (date(2026, 9, 25), False, "中秋节"),
    (date(2026, 10, 1), False, "国庆节"),
    (date(2026, 10, 2), False, "国庆节"),
    (date(2026, 10, 5), False, "国庆节"),
    (date(2026, 10, 6), False, "国庆节"),
    (date(2026, 10, 7), False, "国庆节"),
    (date(2026, 10, 10), True, "国庆节调休上班"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("campaigns", "CalendarDay")
    for day, is_workday, note in DAYS_2026:
        CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "note": note})


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("campaigns", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, _workday, _note in DAYS_2026]).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_calendar_milestones_reports")]

    operations = [migrations.RunPython(seed, unseed)]
