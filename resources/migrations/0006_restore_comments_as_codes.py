"""Restores wrote "Restored version N" as their summary, in English for every reader.

The version row already says it with a code (`restored_from`), which pages
render in the reader's language: the English words are removed from the
version and from its django-reversion revision. Only summaries that are
exactly the system's words go; anything a person typed stays. The
snapshots themselves (Version.serialized_data) never held the summary.
"""

from django.db import migrations


def _system_words(number):
    return f"Restored version {number}"


def to_codes(apps, schema_editor):
    ResourceVersion = apps.get_model("resources", "ResourceVersion")
    Revision = apps.get_model("reversion", "Revision")
    restores = ResourceVersion.objects.filter(restored_from__isnull=False).exclude(comment="")
    for version in restores.iterator():
        if version.comment != _system_words(version.restored_from):
            continue
        version.comment = ""
        version.save(update_fields=["comment"])
        Revision.objects.filter(
            pk=version.revision_id, comment=_system_words(version.restored_from)
        ).update(comment="")


def to_words(apps, schema_editor):
    ResourceVersion = apps.get_model("resources", "ResourceVersion")
    Revision = apps.get_model("reversion", "Revision")
    restores = ResourceVersion.objects.filter(restored_from__isnull=False, comment="")
    for version in restores.iterator():
        words = _system_words(version.restored_from)
        version.comment = words
        version.save(update_fields=["comment"])
        Revision.objects.filter(pk=version.revision_id, comment="").update(comment=words)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0005_resource_search_document"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(to_codes, to_words)]
