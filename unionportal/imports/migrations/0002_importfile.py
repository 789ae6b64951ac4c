import django.db.models.deletion
from django.db import migrations, models


def move_content(apps, schema_editor):
    """A job's upload moves from its own content field into its first file."""
    ImportJob = apps.get_model("imports", "ImportJob")
    ImportFile = apps.get_model("imports", "ImportFile")
    for job in ImportJob.objects.exclude(content=b"").only("pk", "file_name", "content").iterator():
        ImportFile.objects.create(job=job, position=0, sheet="", name=job.file_name, content=job.content)


def move_back(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    ImportFile = apps.get_model("imports", "ImportFile")
    for upload in ImportFile.objects.filter(position=0).iterator():
        ImportJob.objects.filter(pk=upload.job_id).update(content=upload.content)


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ImportFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="序号")),
                ("sheet", models.CharField(blank=True, max_length=32, verbose_name="表")),
                ("name", models.CharField(max_length=200, verbose_name="文件名")),
                ("content", models.BinaryField(editable=False, verbose_name="文件内容")),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="imports.importjob",
                        verbose_name="导入任务",
                    ),
                ),
            ],
            options={
                "verbose_name": "导入文件",
                "verbose_name_plural": "导入文件",
                "ordering": ["job", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("job", "position"), name="importfile_job_position")
                ],
            },
        ),
        migrations.RunPython(move_content, move_back),
        migrations.RemoveField(model_name="importjob", name="content"),
    ]
