"""JSON API v1 for the money of a call: co-funders, milestones and the ledger (docs/money.md).

Thin views over contributions/funding.py and contributions/ledger.py; they
turn refusals into status codes: ValidationError -> 400, PermissionDenied ->
403, LedgerRefused, MilestoneRefused and CallArchived -> 409.
"""

import csv

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from appel.api import CallMixin, StewardsWrite
from appel.drf import Conflict
from appel.models import User
from appel.stewarding import CallArchived
from resources import loaders
from resources.models import Resource

from . import funding, ledger
from .models import Funder, LedgerEntry, LedgerIsAppendOnly, Milestone

REFUSED = (ledger.LedgerRefused, funding.MilestoneRefused, CallArchived)


def _call_domain(function, **kwargs):
    """Runs a domain function; its refusals become 400 / 403 / 409."""
    try:
        return function(**kwargs)
    except REFUSED as error:
        raise Conflict(str(error)) from None
    except PermissionDenied as error:
        raise serializers.PermissionDenied(str(error)) from None
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            error.message_dict
            if hasattr(error, "error_dict")
            else {"non_field_errors": error.messages}
        ) from None


def _valid(serializer_class, request):
    if not isinstance(request.data, dict):
        raise serializers.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


# Co-funders


class FunderSerializer(serializers.ModelSerializer):
    budget_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    currency = serializers.CharField(source="call.budget_currency", read_only=True)
    challenges = serializers.SerializerMethodField()

    class Meta:
        model = Funder
        fields = ["id", "name", "budget_amount", "currency", "challenges", "created_at"]
        read_only_fields = fields

    def get_challenges(self, funder) -> list[str]:
        return [challenge.slug for challenge in funder.challenges.all()]


class FunderInput(serializers.Serializer):
    name = serializers.CharField(max_length=funding.MAX_NAME_CHARS)
    budget_amount = serializers.CharField(max_length=40)
    challenges = serializers.ListField(
        child=serializers.SlugField(max_length=80), required=False, max_length=200
    )


class FunderList(CallMixin, generics.ListCreateAPIView):
    """The co-funders of a call (the lead funder is the call's `funder_name`)."""

    serializer_class = FunderSerializer
    permission_classes = [StewardsWrite]

    def get_queryset(self):
        return funding.funders_of(self.call).select_related("call")

    @extend_schema(request=FunderInput, responses={201: FunderSerializer})
    def post(self, request, *args, **kwargs):
        data = _valid(FunderInput, request)
        funder = _call_domain(
            funding.save_funder,
            call=self.call,
            actor=request.user,
            name=data["name"],
            budget_amount=data["budget_amount"],
            challenges=data.get("challenges", []),
        )
        return Response(self.get_serializer(funder).data, status=status.HTTP_201_CREATED)


# Milestones


class MilestoneSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    currency = serializers.SerializerMethodField()
    funder = serializers.CharField(source="funder.name", read_only=True, allow_null=True)
    met = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True, allow_null=True)
    met_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "title",
            "due_date",
            "amount",
            "currency",
            "funder",
            "met",
            "version",
            "met_at",
            "met_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_currency(self, milestone) -> str:
        return self.context["call"].budget_currency


class MilestoneInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()
    amount = serializers.CharField(max_length=40)
    funder = serializers.CharField(max_length=200, required=False, allow_null=True)


class ResourceMixin(CallMixin):
    def get_resource(self):
        resource = get_object_or_404(Resource, call=self.call, slug=self.kwargs["resource"])
        resource.call = self.call
        return resource

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "call": self.call}


def _funder(call, value):
    """A co-funder named by its id or its name, or a 400."""
    if value in (None, ""):
        return None
    funders = Funder.objects.filter(call=call)
    found = (
        funders.filter(pk=int(value)).first()
        if str(value).isdigit()
        else funders.filter(name=value).first()
    )
    if found is None:
        raise serializers.ValidationError({"funder": [_("This call has no such funder.")]})
    return found


class MilestoneList(ResourceMixin, generics.ListCreateAPIView):
    """The milestones of a commun: anyone reads them, its call's stewards set them."""

    serializer_class = MilestoneSerializer
    permission_classes = [StewardsWrite]

    def get_queryset(self):
        return funding.milestones_of(self.get_resource())

    @extend_schema(request=MilestoneInput, responses={201: MilestoneSerializer})
    def post(self, request, *args, **kwargs):
        resource = self.get_resource()
        data = _valid(MilestoneInput, request)
        milestone = _call_domain(
            funding.add_milestone,
            resource=resource,
            actor=request.user,
            title=data["title"],
            due_date=data["due_date"],
            amount=data["amount"],
            funder=_funder(self.call, data.get("funder")),
        )
        return Response(self.get_serializer(milestone).data, status=status.HTTP_201_CREATED)


class MeetInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=loaders.MAX_NUMBER)


class MilestoneMeet(ResourceMixin, generics.GenericAPIView):
    """Ties a milestone to a validated version of its commun: a payment falls due."""

    serializer_class = MilestoneSerializer
    permission_classes = [StewardsWrite]

    @extend_schema(request=MeetInput, responses=MilestoneSerializer)
    def post(self, request, *args, **kwargs):
        resource = self.get_resource()
        if not loaders.can_exist(self.kwargs["milestone"]):
            raise Http404
        milestone = get_object_or_404(
            Milestone.objects.select_related("funder"),
            resource=resource,
            pk=self.kwargs["milestone"],
        )
        milestone.resource = resource
        number = _valid(MeetInput, request)["version"]
        version = resource.versions.filter(number=number).first()
        if version is None:
            raise serializers.ValidationError({"version": [_("This commons has no such version.")]})
        entry = _call_domain(
            funding.meet_milestone, milestone=milestone, version=version, actor=request.user
        )
        return Response({**self.get_serializer(milestone).data, "ledger_entry": entry.pk})


# The ledger


class LedgerInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[LedgerEntry.Kind.AMENDMENT, LedgerEntry.Kind.SPLIT])
    resource = serializers.SlugField(max_length=80, required=False, allow_null=True)
    amount = serializers.CharField(max_length=40, required=False, allow_null=True)
    recipients = serializers.ListField(
        child=serializers.DictField(), required=False, max_length=500
    )
    reason = serializers.CharField(
        max_length=ledger.MAX_REASON_CHARS, required=False, allow_blank=True
    )
    supersedes = serializers.IntegerField(min_value=1, required=False, allow_null=True)


def _recipients(rows):
    """[(user, amount)] from [{username, amount}], or a 400 naming what is wrong."""
    if not all(isinstance(row.get("username"), str) for row in rows):
        raise serializers.ValidationError(
            {"recipients": [_("Each recipient is {username, amount}.")]}
        )
    users = User.objects.in_bulk([row["username"] for row in rows], field_name="username")
    unknown = [row["username"] for row in rows if row["username"] not in users]
    if unknown:
        raise serializers.ValidationError(
            {"recipients": [_("No such person: %(names)s.") % {"names": ", ".join(unknown)}]}
        )
    return [(users[row["username"]], row.get("amount")) for row in rows]


class LedgerWrite(StewardsWrite):
    """Stewards add entries; a change or a deletion is answered 405 whoever asks."""

    def has_permission(self, request, view):
        return request.method in NEVER or super().has_permission(request, view)


NEVER = ("PUT", "PATCH", "DELETE")


class LedgerMixin(CallMixin):
    permission_classes = [LedgerWrite]

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method in NEVER:
            return Response(
                {"detail": str(LedgerIsAppendOnly())},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        return super().http_method_not_allowed(request, *args, **kwargs)

    def check_readable(self, request):
        if not ledger.can_read(self.call, request.user):
            self.permission_denied(
                request, message=_("This call's ledger holds no published entry yet.")
            )


class LedgerList(LedgerMixin, generics.GenericAPIView):
    """The call's ledger, oldest entry first; `?format=csv` for the whole of it as CSV.

    Filters: `?resource=` (slug), `?funder=` (id, or `lead`), `?person=` (username), `?kind=`.
    """

    serializer_class = LedgerInput

    def perform_content_negotiation(self, request, force=False):
        # `?format=csv` is answered by this view itself, not by a DRF renderer.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(operation_id="calls_ledger_list", responses=OpenApiTypes.OBJECT)
    def get(self, request, *args, **kwargs):
        self.check_readable(request)
        found = ledger.entries(
            self.call,
            resource=request.query_params.get("resource"),
            funder=request.query_params.get("funder"),
            person=request.query_params.get("person"),
            kind=request.query_params.get("kind"),
        )
        if request.query_params.get("format") == "csv":
            return csv_response(self.call, found)
        page = self.paginate_queryset(found)
        return self.get_paginated_response([ledger.as_json(entry) for entry in page])

    @extend_schema(request=LedgerInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request, *args, **kwargs):
        data = _valid(LedgerInput, request)
        resource = None
        if data.get("resource"):
            resource = Resource.objects.filter(call=self.call, slug=data["resource"]).first()
            if resource is None:
                raise serializers.ValidationError(
                    {"resource": [_("This call has no such commons.")]}
                )
        supersedes = None
        if data.get("supersedes"):
            supersedes = LedgerEntry.objects.filter(call=self.call, pk=data["supersedes"]).first()
            if supersedes is None:
                raise serializers.ValidationError(
                    {"supersedes": [_("This call's ledger has no such entry.")]}
                )
            if resource is not None and supersedes.resource_id != resource.pk:
                raise serializers.ValidationError(
                    {"resource": [_("The entry corrected is about another commons.")]}
                )
        entry = _call_domain(
            ledger.record_entry,
            call=self.call,
            actor=request.user,
            kind=data["kind"],
            resource=resource,
            amount=data.get("amount"),
            recipients=_recipients(data.get("recipients") or []),
            reason=data.get("reason", ""),
            supersedes=supersedes,
        )
        entry = ledger.entries(self.call).get(pk=entry.pk)
        return Response(ledger.as_json(entry), status=status.HTTP_201_CREATED)


class LedgerDetail(LedgerMixin, generics.GenericAPIView):
    """One entry; entries are never changed nor deleted (PUT, PATCH, DELETE: 405)."""

    serializer_class = LedgerInput

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, *args, **kwargs):
        self.check_readable(request)
        if not loaders.can_exist(self.kwargs["entry"]):
            raise Http404
        entry = get_object_or_404(ledger.entries(self.call), pk=self.kwargs["entry"])
        return Response(ledger.as_json(entry))


def _cell(value):
    """Text a spreadsheet would run as a formula is quoted, as the dashboard's CSV does."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value


def csv_response(call, entries):
    """The entries as CSV (docs/money.md lists the columns), for the API and the page."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{call.slug}-ledger.csv"'
    writer = csv.writer(response)
    writer.writerow(ledger.CSV_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(value) for value in ledger.as_csv_row(entry)])
    return response


_RESOURCE = "calls/<slug:call>/resources/<slug:resource>"

urlpatterns = [
    path("calls/<slug:call>/funders", FunderList.as_view(), name="call-funders"),
    path(f"{_RESOURCE}/milestones", MilestoneList.as_view(), name="resource-milestones"),
    path(
        f"{_RESOURCE}/milestones/<int:milestone>/meet",
        MilestoneMeet.as_view(),
        name="milestone-meet",
    ),
    path("calls/<slug:call>/ledger", LedgerList.as_view(), name="call-ledger"),
    path("calls/<slug:call>/ledger/<int:entry>", LedgerDetail.as_view(), name="ledger-entry"),
]
