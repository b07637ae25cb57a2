from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from appel.models import User


class Command(BaseCommand):
    help = "Lets a user launch calls, by adding them to the `funders` group."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user is named “{username}”.") from None
        # The group comes from a migration; rebuilt here in case someone deleted it.
        group, _ = Group.objects.get_or_create(name="funders")
        group.permissions.add(
            Permission.objects.get(codename="add_call", content_type__app_label="appel")
        )
        user.groups.add(group)
        self.stdout.write(f"{username} is a funder: they may launch calls.")
