"""Entries about a member named them by username in `target`: point `subject` at them.

With a key, the log shows the person's name as it reads today (and as
they chose when deleting their account), in any reader's language. The
target text stays as it was: nothing recorded is lost.
"""

from django.db import migrations

MEMBER_ACTIONS = ("member_added", "role_changed", "member_removed")


def fill_subjects(apps, schema_editor):
    AuditEntry = apps.get_model("appel", "AuditEntry")
    User = apps.get_model("appel", "User")
    entries = AuditEntry.objects.filter(action__in=MEMBER_ACTIONS, subject__isnull=True)
    usernames = set(entries.values_list("target", flat=True))
    ids = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    for entry in entries.iterator():
        if entry.target in ids:
            entry.subject_id = ids[entry.target]
            entry.save(update_fields=["subject"])


class Migration(migrations.Migration):
    dependencies = [("appel", "0007_auditentry_subject")]

    operations = [migrations.RunPython(fill_subjects, migrations.RunPython.noop)]
