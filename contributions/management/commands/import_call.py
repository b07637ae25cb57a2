import json

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from appel.models import Call, User
from resources import search
from resources.models import Resource


class Command(BaseCommand):
    help = (
        "Load a call written by export_call, with its whole history, keeping every "
        "identifier. Meant for an empty database (a restore or a move to a new instance)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        try:
            with open(file, encoding="utf-8") as source:
                data = json.load(source)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        slugs = [item["fields"]["slug"] for item in data if item.get("model") == "appel.call"]
        if not slugs:
            raise CommandError(f"{file} holds no call: was it written by export_call?")
        if Call.objects.filter(slug__in=slugs).exists():
            raise CommandError(f"The call {slugs[0]!r} already exists here; nothing was imported.")
        for item in data:
            if item["model"] == "appel.user":
                username = item["fields"]["username"]
                clash = User.objects.filter(pk=item["pk"]).exclude(username=username)
                if clash.exists():
                    raise CommandError(
                        f"User #{item['pk']} is someone else here ({clash.get().username}): "
                        "import into an empty database. Nothing was imported."
                    )
        with transaction.atomic():
            # As loaddata does: rows point forwards (a resource to its latest version),
            # so constraints are checked once everything is in.
            with connection.constraint_checks_disabled():
                deferred = []
                for obj in serializers.deserialize("python", data, handle_forward_references=True):
                    obj.save()
                    if obj.deferred_fields:
                        deferred.append(obj)
                for obj in deferred:
                    obj.save_deferred_fields()
            models = {apps.get_model(item["model"]) for item in data}
            connection.check_constraints(table_names=[model._meta.db_table for model in models])
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            search.refresh_documents(Resource.objects.filter(call__slug__in=slugs))
        self.stdout.write(f"Imported {', '.join(slugs)}: {len(data)} objects.")
