"""PostgreSQL: an index of the words of visible posts, the expression search matches them with.

`searching.matching_threads` finds threads by the words of their posts
(`to_tsvector('french_unaccent', body)`, hidden posts left out); without an
index, every search computed the words of every post (15 ms for 200 posts).
SQLite searches its FTS5 table (resources/fts.py) and needs nothing here.
"""

from django.db import migrations

INDEX = """
CREATE INDEX post_search ON contributions_post
USING gin (to_tsvector('french_unaccent'::regconfig, COALESCE(body, '')))
WHERE NOT hidden
"""
DROP = "DROP INDEX IF EXISTS post_search"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0009_retribution_weights_and_reviewers_share"),
        ("resources", "0013_search_index_and_trigrams"),  # the french_unaccent configuration
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
