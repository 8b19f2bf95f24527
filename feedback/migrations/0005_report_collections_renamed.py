"""The report collections take the document's legal name, "Bản tổng hợp ý kiến".

Their names are data looked up by name: renamed here, a site made before keeps its collections,
their documents and their view restrictions, rather than getting new empty ones beside them.
"""

from django.db import migrations

NAMES = (
    ("Báo cáo tổng hợp", "Bản tổng hợp ý kiến"),
    ("Báo cáo tổng hợp chưa công bố", "Bản tổng hợp ý kiến chưa công bố"),
)


def _rename(apps, pairs):
    Collection = apps.get_model("wagtailcore", "Collection")
    for old, new in pairs:
        # Children of the root collection (depth 2), where the reports service makes them.
        if not Collection.objects.filter(depth=2, name=new).exists():
            Collection.objects.filter(depth=2, name=old).update(name=new)


def forwards(apps, schema_editor):
    _rename(apps, NAMES)


def backwards(apps, schema_editor):
    _rename(apps, [(new, old) for old, new in NAMES])


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_synthesis_report"),  # which needs wagtaildocs, so collections
    ]

    operations = [migrations.RunPython(forwards, backwards)]
