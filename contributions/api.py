"""JSON API v1 for reviews, attribution, exports and retribution (contract: shared/API.md)."""

import dataclasses

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import (
    SAFE_METHODS,
    BasePermission,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
)
from rest_framework.response import Response
from rest_framework.views import APIView

from appel.api import CallMixin, StewardsWrite
from appel.conditional import call_state, conditional
from appel.drf import Conflict, Pagination
from appel.loaders import get_call, get_person
from appel.models import User
from appel.stewarding import CallArchived
from resources import loaders, pagecache
from resources.api import VersionSummarySerializer
from resources.models import Resource, ResourceVersion

from . import (
    activity,
    attribution,
    dashboard,
    deciding,
    discussing,
    exports,
    ledger,
    notifying,
    retribution,
    reviewing,
)
from .models import Decision, Post, Review, Thread

# Reviews


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


class VersionReviewSerializer(ReviewSerializer):
    """A review as a version's detail in the resources API lists it (through a slot)."""

    class Meta(ReviewSerializer.Meta):
        fields = ["reviewer", "verdict", "comment", "comment_html", "created_at"]
        read_only_fields = fields


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
        return loaders.get_version_of_call(
            self.call,
            self.kwargs["resource"],
            self.kwargs["number"],
            queryset=ResourceVersion.objects.only("pk", "resource_id", "number", "state"),
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


# Attribution, reuse, export, retribution

_VERSION_PARAM = OpenApiParameter(
    "version", int, description="A version number; the stable version (else the latest) if absent."
)


class UrlObjectsView(APIView):
    """What the attribution, export and retribution endpoints share: loading what the URL
    names (resources.loaders), and no `?format=` magic.

    `?format=md` names an export's format, not one of DRF's renderers: content
    negotiation is forced, so errors still answer in JSON.
    """

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    def get_resource(self):
        return loaders.get_resource(
            self.request.user,
            self.kwargs["call"],
            self.kwargs["resource"],
            with_versions=True,
            with_source=True,
        )

    def get_version(self, resource):
        number = attribution.parse_version_number(self.request.query_params.get("version"))
        return loaders.get_version(resource, number)

    def get_call(self):
        return get_call(self.request.user, self.kwargs["call"], with_members=True)


class ResourceAttribution(UrlObjectsView):
    """Who to credit for a version, their share of its words, and a ready-to-paste credit line."""

    @extend_schema(parameters=[_VERSION_PARAM], responses=OpenApiTypes.OBJECT)
    def get(self, request, **url):
        resource = self.get_resource()
        credit = attribution.attribution_for(resource, self.get_version(resource))
        return Response(credit.as_dict(request))


class ResourceExport(UrlObjectsView):
    """A version as a file with its license and credits: md (default), html, json, cff or bib."""

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(exports.FORMATS)),
            _VERSION_PARAM,
        ],
        responses={(200, "text/markdown"): OpenApiTypes.STR},
    )
    def get(self, request, **url):
        resource = self.get_resource()
        export_format = exports.parse_format(request.query_params.get("format"))
        version = self.get_version(resource)
        return exports.export_response(resource, version, export_format, request=request)


class CallExport(UrlObjectsView):
    """The whole call as a zip, streamed as it is written."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, **url):
        return exports.call_archive_response(self.get_call(), request=request)


class CallRetribution(UrlObjectsView):
    """The suggested retribution, from validated work only: anyone once published, stewards always.

    PATCH (stewards) takes `{"published": true|false}` to publish the current
    figures, frozen from then on, or withdraw them, and/or
    `{"reviewers_share": "10"}` (percent of each commun's envelope).
    """

    def get_report(self, call):
        return Response(retribution.retribution_for(call).as_dict())

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, **url):
        call = self.get_call()
        if not retribution.may_see_retribution(call, request.user):
            self.permission_denied(
                request,
                message=_("The stewards of this call have not published its retribution yet."),
            )
        return self.get_report(call)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def patch(self, request, **url):
        call = self.get_call()
        data = request.data if isinstance(request.data, dict) else {}
        try:
            retribution.check_steward(call=call, actor=request.user)
        except PermissionDenied as refused:
            self.permission_denied(request, message=str(refused))
        published = data.get("published")
        if "reviewers_share" not in data and not isinstance(published, bool):
            raise serializers.ValidationError({"published": [_("Send true or false.")]})
        if "published" in data and not isinstance(published, bool):
            raise serializers.ValidationError({"published": [_("Send true or false.")]})
        try:
            with transaction.atomic():
                if "reviewers_share" in data:
                    retribution.set_reviewers_share(
                        call=call, actor=request.user, percent=data["reviewers_share"]
                    )
                if isinstance(published, bool):
                    retribution.publish_retribution(
                        call=call, actor=request.user, published=published
                    )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        except CallArchived as error:
            raise Conflict(str(error)) from None
        return self.get_report(call)


# Cut-off decisions and the dashboard


class DecisionSerializer(serializers.ModelSerializer):
    """A decision as read; written through `DecisionInput` and contributions/deciding.py."""

    cutoff = serializers.IntegerField(source="cutoff_id", read_only=True)
    resource = serializers.SlugField(source="resource.slug", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    pool_with = serializers.SlugField(source="pool_with.slug", read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "cutoff",
            "resource",
            "version",
            "decision",
            "amount",
            "pool_with",
            "answer",
            "answer_html",
            "decided_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DecisionInput(serializers.Serializer):
    resource = serializers.SlugField(max_length=80)
    version = serializers.IntegerField(min_value=1, max_value=loaders.MAX_NUMBER)
    decision = serializers.ChoiceField(choices=Decision.Kind.choices)
    answer = serializers.CharField(max_length=deciding.MAX_ANSWER_CHARS)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    pool_with = serializers.SlugField(max_length=80, required=False, allow_null=True)


class CutoffMixin(CallMixin):
    def get_cutoff(self):
        if not loaders.can_exist(self.kwargs["cutoff"]):
            raise Http404
        cutoff = get_object_or_404(self.call.cutoffs, pk=self.kwargs["cutoff"])
        cutoff.call = self.call
        return cutoff


def _decision_errors(error):
    """deciding's refusals as API errors: 409 once published, 400 with the field otherwise."""
    if isinstance(error, (deciding.CutoffPublished, CallArchived)):
        return Conflict(str(error))
    return serializers.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )


class DecisionList(CutoffMixin, generics.ListCreateAPIView):
    """The decisions of one cut-off: stewards always, anyone once it is published.

    POSTing a decision about a commons already decided on at this cut-off
    replaces it (200) until publication; after that, 409.
    """

    serializer_class = DecisionSerializer
    permission_classes = [StewardsWrite]

    def get_queryset(self):
        cutoff = self.get_cutoff()
        if not (cutoff.published or self.call.is_steward(self.request.user)):
            self.permission_denied(
                self.request,
                message=_("The decisions of this cut-off date are not published yet."),
            )
        return deciding.decisions_of(cutoff, self.request.user)

    @extend_schema(
        request=DecisionInput, responses={200: DecisionSerializer, 201: DecisionSerializer}
    )
    def post(self, request, *args, **kwargs):
        cutoff = self.get_cutoff()
        if cutoff.published:
            raise Conflict(str(deciding.CutoffPublished(cutoff)))
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        data = data.validated_data
        resources = Resource.objects.filter(call=self.call).only("pk", "call_id", "slug", "title")
        resource = resources.filter(slug=data["resource"]).first()
        if resource is None:
            raise serializers.ValidationError({"resource": [_("This call has no such commons.")]})
        version = resource.versions.filter(number=data["version"]).first()
        if version is None:
            raise serializers.ValidationError({"version": [_("This commons has no such version.")]})
        pool_with = None
        if data.get("pool_with"):
            pool_with = resources.filter(slug=data["pool_with"]).first()
            if pool_with is None:
                raise serializers.ValidationError(
                    {"pool_with": [_("This call has no such commons.")]}
                )
        try:
            decision, created = deciding.record_decision(
                cutoff=cutoff,
                resource=resource,
                version=version,
                decision=data["decision"],
                answer=data["answer"],
                amount=data.get("amount"),
                pool_with=pool_with,
                actor=request.user,
            )
        except (deciding.CutoffPublished, CallArchived, DjangoValidationError) as error:
            raise _decision_errors(error) from None
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(decision).data, status=answer)


class CutoffPublish(CutoffMixin, generics.GenericAPIView):
    """Publishes a cut-off: all its decisions become public together, and final."""

    serializer_class = DecisionSerializer
    permission_classes = [StewardsWrite]

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, *args, **kwargs):
        cutoff = self.get_cutoff()
        try:
            deciding.publish_cutoff(cutoff=cutoff, actor=request.user)
        except (deciding.CutoffPublished, CallArchived, ledger.LedgerRefused) as error:
            raise Conflict(str(error)) from None
        decisions = self.get_serializer(deciding.decisions_of(cutoff, request.user), many=True)
        return Response(
            {
                "id": cutoff.pk,
                "title": cutoff.title,
                "date": cutoff.date,
                "published": cutoff.published,
                "published_at": cutoff.published_at,
                "decisions": decisions.data,
            }
        )


class CallDashboard(CallMixin, generics.GenericAPIView):
    """The steering figures of a call, for its stewards and reviewers (the page draws them)."""

    serializer_class = DecisionSerializer

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, call):
        if not dashboard.may_see(self.call, request.user):
            self.permission_denied(
                request, message=_("The dashboard is for the stewards and reviewers of the call.")
            )
        data = dashboard.figures(self.call)
        funding = data["funding"]
        data["funding"] = {
            **funding,
            **{key: f"{funding[key]:.2f}" for key in ("budget", "granted", "decided", "paid")},
            "funders": [
                {
                    **funder,
                    **{
                        key: None if funder[key] is None else f"{funder[key]:.2f}"
                        for key in ("budget", "granted", "paid")
                    },
                }
                for funder in funding["funders"]
            ],
        }
        return Response(data)


_RESOURCE = "calls/<slug:call>/resources/<slug:resource>"
_CUTOFF = "calls/<slug:call>/cutoffs/<int:cutoff>"

urlpatterns = [
    path("calls/<slug:call>/reviews/pending", PendingReviewList.as_view(), name="review-queue"),
    path(
        f"{_RESOURCE}/versions/<int:number>/reviews",
        VersionReviewList.as_view(),
        name="version-reviews",
    ),
    path(
        f"{_RESOURCE}/attribution",
        conditional(pagecache.resource_state)(ResourceAttribution.as_view()),
        name="resource-attribution",
    ),
    path(
        f"{_RESOURCE}/export",
        conditional(pagecache.resource_state)(ResourceExport.as_view()),
        name="resource-export",
    ),
    path(
        "calls/<slug:call>/export",
        conditional(call_state)(CallExport.as_view()),
        name="call-export",
    ),
    path("calls/<slug:call>/retribution", CallRetribution.as_view(), name="call-retribution"),
    path(f"{_CUTOFF}/decisions", DecisionList.as_view(), name="cutoff-decisions"),
    path(f"{_CUTOFF}/publish", CutoffPublish.as_view(), name="cutoff-publish"),
    path("calls/<slug:call>/dashboard", CallDashboard.as_view(), name="call-dashboard"),
]


# People: discussion, watching, notifications


class PostSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    body_html = serializers.SerializerMethodField()
    hidden_reason = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "author", "body_html", "created_at", "edited_at", "hidden", "hidden_reason"]
        read_only_fields = fields

    def get_body_html(self, post) -> str:
        """A hidden body is shown to the call's stewards only."""
        return post.body_html if not post.hidden or self.context.get("moderator") else ""

    def get_hidden_reason(self, post) -> str:
        return post.hidden_reason if post.hidden and self.context.get("moderator") else ""


class ThreadSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    body_html = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="version.number", read_only=True, default=None)
    call = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    resource = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Thread
        fields = [
            "id",
            "title",
            "author",
            "body_html",
            "version",
            "quote",
            "resolved",
            "posts_count",
            "created_at",
            "last_post_at",
            "call",
            "resource",
        ]
        read_only_fields = fields

    def get_body_html(self, thread) -> str:
        """The first post's body (hidden: the stewards' alone)."""
        html, hidden = discussing.opening_of(thread)
        return html if not hidden or self.context.get("moderator") else ""


class ThreadDetailSerializer(ThreadSerializer):
    posts = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "posts"]
        read_only_fields = fields

    @extend_schema_field(PostSerializer(many=True))
    def get_posts(self, thread):
        return PostSerializer(thread.loaded_posts, many=True, context=self.context).data


class ThreadInput(serializers.Serializer):
    title = serializers.CharField(trim_whitespace=False)
    body = serializers.CharField(trim_whitespace=False, allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    quote = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


def _json_object(data, shape):
    if not isinstance(data, dict):
        raise serializers.ValidationError(
            {"non_field_errors": [_("Send a JSON object: %(shape)s.") % {"shape": shape}]}
        )
    return data


def _domain(function, **kwargs):
    """Call a discussing function, its refusals as API errors (403, 409; 400 by the handler)."""
    try:
        return function(**kwargs)
    except discussing.ReadOnlyCall as error:
        raise Conflict(str(error)) from None


class ThreadMixin(CallMixin):
    """What the thread endpoints share: the call (or commun) the URL names, with its visibility."""

    throttle_scope = "edit"

    def target(self):
        """(call, resource or None): a draft's are 404 for all but its stewards."""
        if "resource" in self.kwargs:
            resource = loaders.get_resource(
                self.request.user, self.kwargs["call"], self.kwargs["resource"]
            )
            resource.call = self.call  # with its memberships, for moderation
            return self.call, resource
        return self.call, None

    def thread(self):
        thread = discussing.get_thread(
            self.request.user,
            call_slug=self.kwargs["call"],
            resource_slug=self.kwargs.get("resource"),
            pk=self.kwargs["thread"],
        )
        thread.call = self.call
        return thread

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "moderator": self.call.is_steward(self.request.user),
        }


class ThreadList(ThreadMixin, generics.ListAPIView):
    """The threads of a commun, or of a call (its forum), the latest active first."""

    serializer_class = ThreadSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        call, resource = self.target()
        return discussing.threads_of(call=call, resource=resource)

    @extend_schema(request=ThreadInput, responses={201: ThreadSerializer})
    def post(self, request, **kwargs):
        call, resource = self.target()
        data = _json_object(request.data, "{title, body, version?, quote?}")
        serializer = ThreadInput(data=data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = None
        if data.get("version") is not None:
            if resource is None:
                raise serializers.ValidationError(
                    {"version": [_("Only a thread on a resource is about one of its versions.")]}
                )
            version = ResourceVersion.objects.filter(
                resource=resource, number=min(data["version"], loaders.MAX_NUMBER)
            ).first()
            if version is None:
                raise serializers.ValidationError(
                    {"version": [_("This resource has no version %(n)s.") % {"n": data["version"]}]}
                )
        thread = _domain(
            discussing.start_thread,
            call=call,
            resource=resource,
            author=request.user,
            title=data["title"],
            body=data["body"],
            version=version,
            quote=data.get("quote", ""),
        )
        thread = discussing.threads_of(call=call, resource=resource).get(pk=thread.pk)
        return Response(self.get_serializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetail(ThreadMixin, generics.GenericAPIView):
    """A thread with its posts; its author or a steward PATCHes `{resolved}`."""

    serializer_class = ThreadDetailSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def answer(self, thread):
        thread.loaded_posts = list(discussing.posts_of(thread))
        return Response(self.get_serializer(thread).data)

    def get(self, request, **kwargs):
        return self.answer(self.thread())

    @extend_schema(request=OpenApiTypes.OBJECT, responses=ThreadDetailSerializer)
    def patch(self, request, **kwargs):
        thread = self.thread()
        data = _json_object(request.data, "{resolved: true|false}")
        if "resolved" not in data:
            raise serializers.ValidationError({"resolved": [_("Send true or false.")]})
        _domain(
            discussing.set_resolved, thread=thread, actor=request.user, resolved=data["resolved"]
        )
        return self.answer(thread)


class PostInput(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True)


class ThreadPosts(ThreadMixin, generics.GenericAPIView):
    """A reply; `@username` tells that person."""

    serializer_class = PostSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["post", "options"]

    @extend_schema(request=PostInput, responses={201: PostSerializer})
    def post(self, request, **kwargs):
        thread = self.thread()
        serializer = PostInput(data=_json_object(request.data, "{body}"))
        serializer.is_valid(raise_exception=True)
        post = _domain(
            discussing.add_post,
            thread=thread,
            author=request.user,
            body=serializer.validated_data["body"],
        )
        return Response(self.get_serializer(post).data, status=status.HTTP_201_CREATED)


class PostHide(ThreadMixin, generics.GenericAPIView):
    """Moderation: a steward hides a post with a reason (kept in the audit log)."""

    serializer_class = PostSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["post", "options"]

    @extend_schema(request=OpenApiTypes.OBJECT, responses=PostSerializer)
    def post(self, request, **kwargs):
        thread = self.thread()
        post = discussing.get_post(thread, self.kwargs["post"])
        data = _json_object(request.data, "{reason}")
        post = _domain(
            discussing.hide_post, post=post, actor=request.user, reason=data.get("reason", "")
        )
        return Response(self.get_serializer(post).data)


class WatchView(ThreadMixin, generics.GenericAPIView):
    """PUT watches the call (or the commun), DELETE stops; both 204."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["put", "delete", "options"]
    throttle_scope = None

    @extend_schema(request=None, responses={204: None})
    def put(self, request, **kwargs):
        call, resource = self.target()
        notifying.watch(user=request.user, call=call, resource=resource)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, **kwargs):
        call, resource = self.target()
        notifying.unwatch(user=request.user, call=call, resource=resource)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    actor = serializers.CharField(source="actor.username", default=None)
    call = serializers.CharField(source="call.slug")
    resource = serializers.CharField(source="resource.slug", default=None)
    version = serializers.IntegerField(source="version.number", default=None)
    thread = serializers.IntegerField(source="thread_id", default=None)

    def get_read(self, notification) -> bool:
        return notification.read_at is not None

    def get_text(self, notification) -> str:
        return notifying.text_of(notification)

    def get_url(self, notification) -> str:
        return self.context["request"].build_absolute_uri(notifying.url_of(notification))


class MyNotifications(generics.ListAPIView):
    """One's notifications, newest first; `?unread=1` for the unread ones only."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = self.request.query_params.get("unread", "") in {"1", "true", "yes"}
        return notifying.notifications_of(self.request.user, unread_only=unread)


class NotificationsRead(generics.GenericAPIView):
    """Marks `ids` (all when absent) read: 204."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=OpenApiTypes.OBJECT, responses={204: None})
    def post(self, request):
        data = request.data if request.data not in (None, "") else {}
        data = _json_object(data, "{ids?}")
        ids = data.get("ids")
        if ids is not None and (
            not isinstance(ids, list)
            or len(ids) > 1000
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
        ):
            raise serializers.ValidationError(
                {"ids": [_("Send a list of notification ids (at most 1000).")]}
            )
        notifying.mark_read(user=request.user, ids=ids)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PreferencesSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["email_notifications", "language"]


class Preferences(generics.GenericAPIView):
    """How one hears by e-mail: `never`, `immediate` or `daily` (a digest; the default)."""

    serializer_class = PreferencesSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "options"]

    def get(self, request):
        return Response(self.get_serializer(request.user).data)

    def patch(self, request):
        data = _json_object(request.data, "{email_notifications}")
        user = notifying.set_preferences(
            user=request.user,
            email_notifications=data.get("email_notifications"),
            language=data.get("language"),
        )
        return Response(self.get_serializer(user).data)


_call = "calls/<slug:call>"
_res = f"{_call}/resources/<slug:resource>"
people_patterns = [
    path(f"{_call}/threads", ThreadList.as_view(), name="call-threads"),
    path(f"{_call}/threads/<int:thread>", ThreadDetail.as_view(), name="call-thread"),
    path(f"{_call}/threads/<int:thread>/posts", ThreadPosts.as_view(), name="call-thread-posts"),
    path(
        f"{_call}/threads/<int:thread>/posts/<int:post>/hide",
        PostHide.as_view(),
        name="call-post-hide",
    ),
    path(f"{_res}/threads", ThreadList.as_view(), name="resource-threads"),
    path(f"{_res}/threads/<int:thread>", ThreadDetail.as_view(), name="resource-thread"),
    path(
        f"{_res}/threads/<int:thread>/posts",
        ThreadPosts.as_view(),
        name="resource-thread-posts",
    ),
    path(
        f"{_res}/threads/<int:thread>/posts/<int:post>/hide",
        PostHide.as_view(),
        name="resource-post-hide",
    ),
    path(f"{_call}/watch", WatchView.as_view(), name="call-watch"),
    path(f"{_res}/watch", WatchView.as_view(), name="resource-watch"),
    path("me/notifications", MyNotifications.as_view(), name="my-notifications"),
    path("me/notifications/read", NotificationsRead.as_view(), name="my-notifications-read"),
    path("me/preferences", Preferences.as_view(), name="my-preferences"),
]

urlpatterns += people_patterns


# Recent changes and people (contributions/activity.py)


class ChangeResourceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class ChangeThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    """One change: an edit (a version), a review, or a post in a thread (`kind`).

    Edits keep the fields of a version summary (`number`, `author`,
    `comment`, `size`, `delta`, `state`...), as the call's feed gave them.
    """

    kind = serializers.ChoiceField(choices=activity.KINDS)
    user = serializers.CharField(source="user.username", help_text="Who: a username.")
    author = serializers.CharField(source="user.username", help_text="The same as `user`.")
    created_at = serializers.DateTimeField()
    call = serializers.CharField(source="call.slug")
    resource = ChangeResourceSerializer(allow_null=True)
    version = serializers.SerializerMethodField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField()
    number = serializers.SerializerMethodField()
    comment = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()
    delta = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    parent_number = serializers.SerializerMethodField()
    merged = serializers.SerializerMethodField()
    restored_from = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()
    thread = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_version(self, change):
        return change.version.number if change.version else None

    @extend_schema_field(serializers.URLField())
    def get_url(self, change):
        return self.context["request"].build_absolute_uri(change.url)

    def _edit(self, change, name):
        return getattr(change.version, name) if change.kind == activity.EDIT else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_number(self, change):
        return self._edit(change, "number")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_comment(self, change):
        """An edit's summary, a review's comment; null for a post."""
        if change.kind == activity.REVIEW:
            return change.review.comment
        return self._edit(change, "display_comment")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_size(self, change):
        return self._edit(change, "size")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_delta(self, change):
        return self._edit(change, "delta")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_state(self, change):
        """The state of the version edited or reviewed."""
        return change.version.state if change.version else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_parent_number(self, change):
        return self._edit(change, "parent_number")

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_merged(self, change):
        return self._edit(change, "merged")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_restored_from(self, change):
        return self._edit(change, "restored_from")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_verdict(self, change):
        return change.review.verdict if change.review else None

    @extend_schema_field(ChangeThreadSerializer(allow_null=True))
    def get_thread(self, change):
        if change.post is None:
            return None
        return {"id": change.thread.pk, "title": change.thread.title}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_post(self, change):
        return change.post.pk if change.post else None


class ChangesPagination(Pagination):
    django_paginator_class = activity.ChangesPaginator


_FILTERS = [
    OpenApiParameter("user", str, description="A username."),
    OpenApiParameter("challenge", str, description="A challenge's slug."),
    OpenApiParameter("kind", str, enum=activity.KINDS),
    OpenApiParameter("unreviewed", bool, description="Only versions waiting for review."),
]


class ChangeList(generics.GenericAPIView):
    """Recent changes of every call one may see, or of one call: newest first, paginated."""

    serializer_class = ChangeSerializer
    pagination_class = ChangesPagination

    @extend_schema(parameters=_FILTERS)
    def get(self, request, **url):
        call = get_call(request.user, url["call"]) if "call" in url else None
        filters = activity.parse_filters(request.query_params, viewer=request.user, call=call)
        page = self.paginate_queryset(
            activity.changes(viewer=request.user, filters=filters, call=call)
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class UserCountsSerializer(serializers.Serializer):
    versions = serializers.IntegerField()
    reviews = serializers.IntegerField()
    resources = serializers.IntegerField()
    threads = serializers.IntegerField()


class UserCommunSerializer(serializers.Serializer):
    call = serializers.CharField(source="resource.call.slug")
    resource = serializers.CharField(source="resource.slug")
    role = serializers.CharField()


class UserSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    date_joined = serializers.DateTimeField()
    counts = UserCountsSerializer()
    communs = UserCommunSerializer(many=True)


class UserDetail(generics.GenericAPIView):
    """A person as the reader may see them: counts and communs in visible calls only."""

    serializer_class = UserSerializer

    def get(self, request, username):
        person = get_person(username)
        person.counts = activity.person_counts(person, viewer=request.user)
        person.communs = activity.communs_of(person, viewer=request.user)
        return Response(self.get_serializer(person).data)


class UserContributions(generics.GenericAPIView):
    """A person's versions and reviews, newest first, in the calls the reader may see."""

    serializer_class = ChangeSerializer
    pagination_class = ChangesPagination

    @extend_schema(parameters=_FILTERS[1:3])
    def get(self, request, username):
        person = get_person(username)
        params = request.query_params.copy()
        params.pop("user", None)
        filters = activity.parse_filters(params, viewer=request.user, among=activity.CONTRIBUTIONS)
        filters = dataclasses.replace(filters, user=person)
        page = self.paginate_queryset(activity.changes(viewer=request.user, filters=filters))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


urlpatterns += [
    path("changes", ChangeList.as_view(), name="changes"),
    path("calls/<slug:call>/changes", ChangeList.as_view(), name="call-changes"),
    path("users/<str:username>", UserDetail.as_view(), name="user-detail"),
    path(
        "users/<str:username>/contributions",
        UserContributions.as_view(),
        name="user-contributions",
    ),
]
