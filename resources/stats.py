"""A call's figures that count resources, provided to appel through `appel.callstats`.

Connected in `resources.apps`; one correlated subquery per figure, rather
than joined counts: a list of calls costs one query whatever the number of
resources and versions, and the counts never multiply.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Resource, ResourceVersion


def annotate_calls(queryset):
    """`queryset` of calls with `stats_resources`, `stats_versions`, `stats_contributors`
    and `stats_validated_resources`."""
    resources = Resource.objects.filter(call=OuterRef("pk")).order_by().values("call")
    versions = (
        ResourceVersion.objects.filter(resource__call=OuterRef("pk"))
        .order_by()
        .values("resource__call")
    )

    def count(rows, expression):
        return Coalesce(Subquery(rows.annotate(n=expression).values("n")), 0)

    return queryset.annotate(
        stats_resources=count(resources, Count("pk")),
        stats_versions=count(versions, Count("pk")),
        stats_contributors=count(versions, Count("author", distinct=True)),
        stats_validated_resources=count(
            resources.filter(stable_version__isnull=False), Count("pk")
        ),
    )
