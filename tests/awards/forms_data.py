"""The individual nomination form as a submitter fills it in, shared by the intake tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.selection.factories import id_number

PHONE = "13800001234"
DECLARE = {f"declare_{code}": "on" for code in ("safety", "arrears", "environment", "union")}


def jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def individual_post(n=1, **overrides):
    """The form's fields (None leaves a field out)."""
    data = {
        "name": "张三",
        "id_number": id_number(n),
        "unit": "示例机械有限公司",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "",
        "political_status": "cpc",
        "education": "college",
        "job_title": "高级技师",
        "position": "班组长",
        "phone": PHONE,
        "summary": "扎根一线二十年。",
        "deeds": "攻克技术难题，带出一支技能队伍。",
        "tags": ["innovation", "green"],
        "flag_frontline": "on",
        "flag_migrant": "on",
        "consent": "on",
        "photo": jpeg(),
        **DECLARE,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
