import unicodedata

from django.db import migrations, models


def fill_username_keys(apps, schema_editor):
    """username_key for every account; an older duplicate keeps its id in its key.

    Two accounts that only differ by case or by look-alike characters could be
    created before this migration: both stay usable, and no third can join them.
    """
    User = apps.get_model("appel", "User")
    seen = set()
    for user in User.objects.order_by("pk").only("pk", "username"):
        key = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", user.username).casefold())
        if key in seen:
            key = f"{key}#{user.pk}"[:150]
        seen.add(key)
        User.objects.filter(pk=user.pk).update(username_key=key)


class Migration(migrations.Migration):
    dependencies = [("appel", "0004_auditentry")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="session_generation",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(default="", editable=False, max_length=150),
            preserve_default=False,
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=150, unique=True),
        ),
        migrations.AlterField(
            model_name="call",
            name="slug",
            field=models.SlugField(
                error_messages={"unique": "This address is taken: choose another slug."},
                max_length=80,
                unique=True,
                verbose_name="slug",
            ),
        ),
    ]
