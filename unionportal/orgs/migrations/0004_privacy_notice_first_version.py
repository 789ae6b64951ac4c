"""The first version of the privacy notice workers consent to when they sign up."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

VERSION = "2026-1"
TITLE = "职工服务隐私政策"
BODY = (
    "湖北省总工会在您注册、实名认证、申请入会和使用职工服务时，收集您的手机号、姓名、身份证号、"
    "工作单位、职业和岗位，仅用于核验身份、办理入会和会籍管理、提供职工服务。"
    "身份证号和手机号在页面和导出中脱敏显示，工作人员查看完整信息须说明理由并留痕。"
    "我们不向无关单位或个人提供您的个人信息。您可以随时查看和更正您的信息。"
)


def forwards(apps, schema_editor):
    PrivacyNotice = apps.get_model("orgs", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(
        version=VERSION,
        defaults={
            "title": TITLE,
            "body": BODY,
            "published_at": datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_member_registry_and_joining")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
