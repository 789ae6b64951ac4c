"""The trades (工种) a craftsman is recommended in, as the national occupation classification names them;
staff keep the list in the admin afterwards."""

from django.db import migrations

from craftsmen.trades import TRADES, trades_ensure



def seed(apps, schema_editor):
    trades_ensure(apps.get_model("craftsmen", "Trade"))


def unseed(apps, schema_editor):
    Trade = apps.get_model("craftsmen", "Trade")
    Trade.objects.filter(code__in=[row[0] for row in TRADES]).delete()


class Migration(migrations.Migration):
    dependencies = [("craftsmen", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
