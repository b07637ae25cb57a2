import django.contrib.postgres.search
from django.db import migrations

# The same document as resources.search.document(), for the rows already there.
FILL = """
UPDATE resources_resource SET search_document =
    setweight(to_tsvector('french'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('french'::regconfig, COALESCE(LEFT(content, 100000), '')), 'B')
"""
INDEX = "CREATE INDEX resource_search_document ON resources_resource USING gin (search_document)"
DROP = "DROP INDEX IF EXISTS resource_search_document"


def fill_and_index(apps, schema_editor):
    # PostgreSQL only: SQLite has no tsvector (its search reads the text itself).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0004_resource_call_updated_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_and_index, drop_index),
    ]
