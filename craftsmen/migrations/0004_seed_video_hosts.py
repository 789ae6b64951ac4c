"""The video sites whose links the 荆楚工匠 pages embed: the provincial TV station and the major Chinese
platforms, each with how its watch link becomes a player URL; staff keep the list in the admin."""

from django.db import migrations

from craftsmen.video_hosts import HOSTS, hosts_ensure


def seed(apps, schema_editor):
    hosts_ensure(apps.get_model("craftsmen", "VideoHost"))


def unseed(apps, schema_editor):
    VideoHost = apps.get_model("craftsmen", "VideoHost")
    VideoHost.objects.filter(host__in=[row[0] for row in HOSTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("craftsmen", "0003_films")]

    operations = [migrations.RunPython(seed, unseed)]
