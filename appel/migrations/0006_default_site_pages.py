"""The legal notice, personal data and accessibility pages, with their default texts."""

from django.db import migrations

from appel.sitepages import DEFAULTS

def create_pages(apps, schema_editor):
    SitePage = apps.get_model("appel", "SitePage")
    for key, fields in DEFAULTS.items():
        SitePage.objects.get_or_create(key=key, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("appel", "0005_sitepage")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
