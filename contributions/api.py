"""JSON API v1 for reviews, attribution, exports and retribution (contract: shared/API.md)."""

from django.urls import path  # noqa: F401

# --- Review (engineer C) ---
# isort: split
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from appel.api import CallMixin
from appel.drf import Conflict
from appel.stewarding import CallArchived
from resources import reading
from resources.api import VersionSummarySerializer
from resources.models import ResourceVersion

from . import reviewing
from .models import Review


class ReviewSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verdict = serializers.ChoiceField(choices=Review.Verdict.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=reviewing.MAX_COMMENT_CHARS
    )

    class Meta:
        model = Review
        fields = ["id", "version", "reviewer", "verdict", "comment", "comment_html", "created_at"]
        read_only_fields = ["id", "version", "reviewer", "comment_html", "created_at"]


class QueueResourceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class QueueItemSerializer(serializers.Serializer):
    resource = QueueResourceSerializer(source="*")
    latest_version = VersionSummarySerializer()
    stable_version = VersionSummarySerializer(allow_null=True)
    waiting_since = serializers.DateTimeField()
    size_change = serializers.IntegerField(help_text="Bytes added since the stable version.")
    versions_waiting = serializers.IntegerField(help_text="Versions saved since the stable one.")


class PendingReviewList(CallMixin, generics.ListAPIView):
    """Resources whose latest version is not validated, the longest waiting first.

    `waiting_since` is when the first version after the stable one was saved.
    """

    serializer_class = QueueItemSerializer

    def get_queryset(self):
        return reviewing.review_queue(self.call)


class ReviewersWrite(BasePermission):
    """Anyone reads reviews; writing needs an account (the reviewing module says who)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.is_authenticated


class VersionReviewList(CallMixin, generics.ListCreateAPIView):
    """The reviews of one version, oldest first; reviewers and stewards add theirs.

    A closed call's versions can still be reviewed; an archived call answers 409.
    """

    serializer_class = ReviewSerializer
    permission_classes = [ReviewersWrite]
    throttle_scope = "review"

    def get_version(self):
        if not 1 <= self.kwargs["number"] <= reading.MAX_NUMBER:
            raise Http404
        return get_object_or_404(
            ResourceVersion.objects.only("pk", "resource_id", "number", "state"),
            resource__call=self.call,
            resource__slug=self.kwargs["resource"],
            number=self.kwargs["number"],
        )

    def get_queryset(self):
        version = self.get_version()
        return version.reviews.select_related("reviewer", "version")

    @extend_schema(request=ReviewSerializer, responses={201: ReviewSerializer})
    def post(self, request, *args, **kwargs):
        version = self.get_version()
        data = request.data
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send a JSON object: {verdict, comment}.")]}
            )
        comment = data.get("comment")
        try:
            review = reviewing.record_review(
                version=version,
                reviewer=request.user,
                verdict=data.get("verdict"),
                comment="" if comment is None else comment,
            )
        except reviewing.ReadOnlyCall as error:
            raise Conflict(str(error)) from None
        return Response(self.get_serializer(review).data, status=status.HTTP_201_CREATED)


review_patterns = [
    path("calls/<slug:call>/reviews/pending", PendingReviewList.as_view(), name="review-queue"),
    path(
        "calls/<slug:call>/resources/<slug:resource>/versions/<int:number>/reviews",
        VersionReviewList.as_view(),
        name="version-reviews",
    ),
]

# --- Attribution, reuse, export, retribution (engineer D) ---
# isort: split
# This section imports all it uses, so that it does not depend on the one above.
from django.utils.translation import gettext as _  # noqa: E402, F811
from drf_spectacular.types import OpenApiTypes  # noqa: E402
from drf_spectacular.utils import OpenApiParameter, extend_schema  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.response import Response  # noqa: E402, F811
from rest_framework.views import APIView  # noqa: E402

from . import attribution, exports  # noqa: E402

_VERSION_PARAM = OpenApiParameter(
    "version", int, description="A version number; the stable version (else the latest) if absent."
)


class CreditView(APIView):
    """What the credit endpoints share: loading what the URL names, and no `?format=` magic.

    `?format=md` names an export's format, not one of DRF's renderers: content
    negotiation is forced, so errors still answer in JSON.
    """

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    def get_resource(self):
        return attribution.visible_resource(
            self.request.user, call_slug=self.kwargs["call"], resource_slug=self.kwargs["resource"]
        )

    def get_version(self, resource):
        number = attribution.parse_version_number(self.request.query_params.get("version"))
        return attribution.pick_version(resource, number)

    def get_call(self):
        return attribution.visible_call(self.request.user, call_slug=self.kwargs["call"])


class ResourceAttribution(CreditView):
    """Who to credit for a version, their share of its words, and a ready-to-paste credit line."""

    @extend_schema(parameters=[_VERSION_PARAM], responses=OpenApiTypes.OBJECT)
    def get(self, request, call, resource):
        resource = self.get_resource()
        credit = attribution.attribution_for(resource, self.get_version(resource))
        return Response(credit.as_dict(request))


class ResourceExport(CreditView):
    """A version as a file with its license and credits: md (default), html, json, cff or bib."""

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(exports.FORMATS)),
            _VERSION_PARAM,
        ],
        responses={(200, "text/markdown"): OpenApiTypes.STR},
    )
    def get(self, request, call, resource):
        resource = self.get_resource()
        export_format = exports.parse_format(request.query_params.get("format"))
        version = self.get_version(resource)
        return exports.export_response(resource, version, export_format, request=request)


class CallExport(CreditView):
    """The whole call as a zip, streamed as it is written."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, call):
        return exports.call_archive_response(self.get_call(), request=request)


class CallRetribution(CreditView):
    """The budget shared by words written: anyone once published, the stewards always.

    PATCH `{"published": true|false}` (stewards) publishes the current
    figures, frozen from then on, or withdraws them.
    """

    def get_report(self, call):
        return Response(attribution.retribution_for(call).as_dict())

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, call):
        call = self.get_call()
        if not attribution.may_see_retribution(call, request.user):
            self.permission_denied(
                request,
                message=_("The stewards of this call have not published its retribution yet."),
            )
        return self.get_report(call)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def patch(self, request, call):
        call = self.get_call()
        if not call.is_steward(request.user):
            self.permission_denied(
                request, message=_("Only the stewards of the call publish its retribution.")
            )
        published = request.data.get("published") if isinstance(request.data, dict) else None
        if not isinstance(published, bool):
            raise serializers.ValidationError({"published": [_("Send true or false.")]})
        try:
            attribution.publish_retribution(call=call, by=request.user, published=published)
        except CallArchived as error:
            raise Conflict(str(error)) from None
        return self.get_report(call)


_resource_path = "calls/<slug:call>/resources/<slug:resource>/"
credit_patterns = [
    path(
        f"{_resource_path}attribution",
        ResourceAttribution.as_view(),
        name="resource-attribution",
    ),
    path(f"{_resource_path}export", ResourceExport.as_view(), name="resource-export"),
    path("calls/<slug:call>/export", CallExport.as_view(), name="call-export"),
    path("calls/<slug:call>/retribution", CallRetribution.as_view(), name="call-retribution"),
]

urlpatterns = [*review_patterns, *credit_patterns]
