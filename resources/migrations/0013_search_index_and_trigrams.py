"""SQLite: the FTS5 table search reads (resources/fts.py), filled from what exists.
PostgreSQL: the pg_trgm extension the similar communs use (resources/similar.py), and
the text search configuration `french_unaccent` (French stemming, accents ignored) that
search uses, resources' stored words recomputed with it."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
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


def french_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') "
        "THEN CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french); "
        "ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, "
        "word WITH unaccent, french_stem; END IF; END $$"
    )
    schema_editor.execute(
        "UPDATE resources_resource SET search_document = "
        "setweight(to_tsvector('french_unaccent', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('french_unaccent', left(coalesce(content, ''), 100000)), 'B')"
    )


def french(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0012_version_created_indexes"),
        ("appel", "0014_audit_actions_of_people_and_steering"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(french_unaccent, french),
        migrations.RunPython(create_index, drop_index),
    ]
