import datetime
import json

from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from reversion.models import Revision, Version

from appel.models import AuditEntry, Call, Challenge, Membership, User
from contributions.models import Retribution, RetributionWeight, Review
from resources.models import (
    FileRevision,
    Resource,
    ResourceChallenge,
    ResourceFile,
    ResourceLink,
    ResourceVersion,
)


class _Encoder(DjangoJSONEncoder):
    """Dates to the microsecond (DjangoJSONEncoder keeps milliseconds): nothing is rounded."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def call_querysets(call):
    """Every row a call's history needs, in an order loaddata can follow."""
    versions = ResourceVersion.objects.filter(resource__call=call)
    reviews = Review.objects.filter(version__resource__call=call)
    audit = AuditEntry.objects.filter(call=call)
    user_ids = {call.created_by_id}
    user_ids |= set(Membership.objects.filter(call=call).values_list("user", flat=True))
    user_ids |= set(Resource.objects.filter(call=call).values_list("created_by", flat=True))
    user_ids |= set(reviews.values_list("reviewer", flat=True))
    user_ids |= set(Retribution.objects.filter(call=call).values_list("published_by", flat=True))
    weights = RetributionWeight.objects.filter(resource__call=call)
    user_ids |= set(weights.values_list("user", flat=True))
    user_ids |= set(weights.values_list("set_by", flat=True))
    user_ids |= set(audit.values_list("actor", flat=True))
    revisions = FileRevision.objects.filter(file__resource__call=call)
    user_ids |= set(revisions.values_list("uploaded_by", flat=True))
    user_ids |= set(audit.values_list("subject", flat=True))
    for runs in versions.values_list("authorship", flat=True).iterator():
        user_ids.update(user_id for user_id, _count in runs)
    user_ids.discard(None)
    return [
        User.objects.filter(pk__in=user_ids).order_by("pk"),
        Call.objects.filter(pk=call.pk),
        Challenge.objects.filter(call=call),
        Membership.objects.filter(call=call),
        Revision.objects.filter(resource_version__resource__call=call).order_by("pk"),
        Version.objects.filter(revision__resource_version__resource__call=call).order_by("pk"),
        Resource.objects.filter(call=call).order_by("pk"),
        ResourceChallenge.objects.filter(resource__call=call).order_by("pk"),
        versions.order_by("pk"),
        # Rows of files only: their bytes stay in the storage (docs/operations.md).
        ResourceFile.objects.filter(resource__call=call).order_by("pk"),
        revisions.order_by("pk"),
        ResourceLink.objects.filter(source__call=call).order_by("pk"),
        reviews.order_by("pk"),
        Retribution.objects.filter(call=call),
        weights.order_by("pk"),  # every weight given in a split, with its reason
        audit.order_by("pk"),  # who changed roles, status, budget: the call's accountability
    ]


class Command(BaseCommand):
    help = (
        "Write a call with its whole history (people, défis, members, resources, every "
        "version and review, its audit log) to a JSON file that import_call loads into an "
        "empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("file")

    def handle(self, slug, file, **options):
        try:
            call = Call.objects.get(slug=slug)
        except Call.DoesNotExist as error:
            raise CommandError(f"No call with the slug {slug!r}.") from error
        data, skipped = [], 0
        own_versions = set(
            ResourceVersion.objects.filter(resource__call=call).values_list("pk", flat=True)
        )
        for queryset in call_querysets(call):
            fields = None
            if queryset.model is User:
                # Group and permission memberships belong to the instance, not the call.
                fields = [f.name for f in User._meta.concrete_fields if f.name != "id"]
            elif queryset.model is Resource:
                # Search words are derived: import_call computes them for its database.
                fields = [
                    f.name
                    for f in Resource._meta.concrete_fields
                    if f.name not in {"id", "search_document"}
                ]
            for item in serializers.serialize(
                "python", queryset.iterator(), use_natural_foreign_keys=True, fields=fields
            ):
                source = (
                    item["fields"].get("derived_from")
                    if item["model"] == "resources.resource"
                    else None
                )
                if source is not None and source not in own_versions:
                    # A source in another call would not exist in the target database.
                    item["fields"]["derived_from"] = None
                    skipped += 1
                data.append(item)
        with open(file, "w", encoding="utf-8") as out:
            json.dump(data, out, cls=_Encoder, ensure_ascii=False)
        revisions = Revision.objects.filter(resource_version__resource__call=call).count()
        self.stdout.write(
            f"Exported {call.slug}: {len(data)} objects, {revisions} revisions "
            f"({Version.objects.filter(revision__resource_version__resource__call=call).count()} "
            f"snapshots) to {file}."
        )
        if skipped:
            self.stdout.write(
                f"{skipped} resource(s) derived from another call: the link to the source was left "
                "out (their words stay credited to their authors)."
            )
