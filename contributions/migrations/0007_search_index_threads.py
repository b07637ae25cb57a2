"""SQLite: the threads already written go into the search index (resources/fts.py)."""

from django.db import migrations


def index_threads(apps, schema_editor):
    from resources import fts

    if schema_editor.connection.vendor != "sqlite":
        return
    Thread, Post = apps.get_model("contributions", "Thread"), apps.get_model("contributions", "Post")
    for thread in Thread.objects.all().iterator():
        bodies = Post.objects.filter(thread_id=thread.pk, hidden=False).order_by("created_at", "pk")
        body = "\n".join(bodies.values_list("body", flat=True))
        fts.put(
            "thread", thread.pk, call_id=thread.call_id, title=thread.title, body=f"{thread.quote}\n{body}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0006_changes_indexes"),
        ("resources", "0013_search_index_and_trigrams"),
    ]

    operations = [migrations.RunPython(index_threads, migrations.RunPython.noop)]
