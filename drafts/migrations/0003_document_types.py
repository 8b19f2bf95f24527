"""The document types a city or ministry consults on, with an editable minimum period."""

from django.db import migrations

from drafts.defaults import DEFAULT_MIN_CONSULTATION_DAYS, DOCUMENT_TYPES


def create(apps, schema_editor):
    DocumentType = apps.get_model("drafts", "DocumentType")
    for code, name in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "min_consultation_days": DEFAULT_MIN_CONSULTATION_DAYS}
        )


class Migration(migrations.Migration):
    dependencies = [("drafts", "0002_documenttype_draftindexpage_policyarea_draftpage_and_more")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
