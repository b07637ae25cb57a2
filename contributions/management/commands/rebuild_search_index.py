"""Rewrite the SQLite full-text index (resources/fts.py) from the database.

The index follows every save through signals; rows written around them
(`bulk_create`, a restored backup, a database edited by hand) are caught up
here. On PostgreSQL, resources' stored words are recomputed instead.
"""

from django.core.management.base import BaseCommand

from appel.models import Call, Challenge
from resources import fts, search
from resources.models import Resource

from ... import searching


class Command(BaseCommand):
    help = "Rebuild the full-text search index (SQLite FTS5; PostgreSQL: resources' words)."

    def handle(self, *args, **options):
        if not fts.enabled():
            search.refresh_documents(Resource.objects.all())
            self.stdout.write("PostgreSQL: the stored words of resources were recomputed.")
            return
        fts.rebuild(Call, Challenge, Resource)
        searching.rebuild()
        self.stdout.write("The search index was rebuilt.")
