"""The `funders` group, holding `appel.add_call`, exists on every database.

Permissions are normally created after all migrations have run; this one is
created here (with its content type) so that `grant_funder` and the sign-up
of the first funder work on a fresh database without any manual step.
"""

from django.db import migrations


def create_funders_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="appel", model="call")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="add_call",
        defaults={"name": "Can add call for commons"},
    )
    group, _ = Group.objects.get_or_create(name="funders")
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("appel", "0002_call_field_validators"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_funders_group, migrations.RunPython.noop)]
