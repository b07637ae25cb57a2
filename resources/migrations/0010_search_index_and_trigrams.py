"""SQLite: the FTS5 table search reads (resources/fts.py), filled from what exists.
PostgreSQL: the pg_trgm extension the similar communs use (resources/similar.py)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def create_index(apps, schema_editor):
    from resources import fts

    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(fts.CREATE)
        cursor.execute(fts.RANK)
    fts.rebuild(
        apps.get_model("appel", "Call"),
        apps.get_model("appel", "Challenge"),
        apps.get_model("resources", "Resource"),
    )


def drop_index(apps, schema_editor):
    from resources import fts

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts.TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0009_merge_people_and_outline"),
        ("appel", "0014_audit_actions_of_people_and_steering"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
