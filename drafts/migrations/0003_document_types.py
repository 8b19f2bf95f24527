"""The document types a city or ministry consults on, with an editable minimum period."""

from django.db import migrations

DOCUMENT_TYPES = [
    ("luat", "Luật"),
    ("phap-lenh", "Pháp lệnh"),
    ("nghi-quyet-quoc-hoi", "Nghị quyết của Quốc hội"),
    ("nghi-dinh", "Nghị định"),
    ("quyet-dinh-thu-tuong", "Quyết định của Thủ tướng Chính phủ"),
    ("thong-tu", "Thông tư"),
    ("nghi-quyet-hdnd-tinh", "Nghị quyết HĐND cấp tỉnh"),
    ("quyet-dinh-ubnd-tinh", "Quyết định UBND cấp tỉnh"),
]


def create(apps, schema_editor):
    DocumentType = apps.get_model("drafts", "DocumentType")
    for code, name in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "min_consultation_days": 30}
        )


class Migration(migrations.Migration):
    dependencies = [("drafts", "0002_documenttype_draftindexpage_policyarea_draftpage_and_more")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
