"""JSON API v1 for accounts, calls, challenges and members (contract: shared/API.md).

The pieces every app's API shares (pagination, the error format) are in
appel/drf.py, which imports no DRF view so that settings can name them.
"""

import copy

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from . import ratelimit
from .drf import Conflict, VerbsFirst
from .loaders import get_call, visible_calls
from .models import Call, Challenge, Cutoff, Membership, User, username_key
from .parsers import JSONParser
from .stewarding import (
    CallArchived,
    LastSteward,
    StatusMoveRefused,
    add_cutoff,
    change_status,
    launch_call,
    remove_member,
    save_call,
    save_challenge,
    set_member,
)

# Accounts


_USERNAME_TAKEN = gettext_lazy("A user with that username already exists.")


class NewUsernameField(serializers.CharField):
    """NFKC-normalised before any check, as the account will store it ("Ｌｅａ" -> "Lea")."""

    def to_internal_value(self, data):
        return User.normalize_username(super().to_internal_value(data))


class RegisterSerializer(serializers.ModelSerializer):
    username = NewUsernameField(
        max_length=150, validators=list(User._meta.get_field("username").validators)
    )
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    token = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "password", "email", "display_name", "token"]
        extra_kwargs = {"email": {"write_only": True}}

    def validate(self, attrs):
        candidate = User(**{name: value for name, value in attrs.items() if name != "password"})
        try:
            validate_password(attrs["password"], candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"password": error.messages}) from None
        return attrs

    def validate_username(self, value):
        # "Mona", "mona" and "ｍｏｎａ" are one person (username_key).
        if User.objects.filter(username_key=username_key(value)).exists():
            raise serializers.ValidationError(_USERNAME_TAKEN)
        return value

    def create(self, validated_data):
        try:
            with transaction.atomic():
                return User.objects.create_user(**validated_data)
        except IntegrityError:
            # The same name registered by someone else since validate_username.
            raise serializers.ValidationError({"username": [_USERNAME_TAKEN]}) from None

    def get_token(self, user) -> str:
        return Token.objects.get_or_create(user=user)[0].key


class RegisterView(generics.CreateAPIView):
    """Creates an account and answers with its token, so a script can go on at once."""

    serializer_class = RegisterSerializer
    permission_classes = []
    throttle_scope = "register"


class TokenView(ObtainAuthToken):
    """A token for a username and password, with the web login's limits on failures."""

    parser_classes = [JSONParser]
    throttle_classes = [ratelimit.ApiThrottle]

    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        username = str(data.get("username", ""))
        try:
            ratelimit.check_login(request, username)
        except ratelimit.RateLimited as error:
            raise exceptions.Throttled(error.retry_after) from None
        try:
            return super().post(request, *args, **kwargs)
        except exceptions.ValidationError:
            ratelimit.record_failed_login(request, username)
            raise


class RevokeTokenView(generics.GenericAPIView):
    """Ends the caller's token at once; `auth/token` hands out a new one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        request.user.end_tokens()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.ModelSerializer):
    is_funder = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = ["username", "display_name", "is_funder"]
        read_only_fields = fields


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self):
        return self.request.user


# Calls


class CanLaunchCalls(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or request.user.has_perm("appel.add_call")


class StewardsWrite(BasePermission):
    """Whoever can see the call reads; only its stewards write."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or view.call.is_steward(request.user)


class CallMixin:
    """The call named in the URL, loaded once per request by `appel.loaders`, or 404."""

    def calls(self):
        return Call.objects.all()

    @cached_property
    def call(self):
        return get_call(
            self.request.user, self.kwargs["call"], queryset=self.calls(), with_members=True
        )


class StatsSerializer(serializers.Serializer):
    resources = serializers.IntegerField()
    versions = serializers.IntegerField()
    contributors = serializers.IntegerField()
    validated_resources = serializers.IntegerField()


class CallSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    allowed_licenses = serializers.ListField(
        child=serializers.CharField(max_length=40), allow_empty=True, max_length=50
    )
    required_sections = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=100
    )
    stats = StatsSerializer(read_only=True)
    phase = serializers.ChoiceField(
        choices=[*Call.Status.values, Call.SCHEDULED],
        read_only=True,
        help_text="The status with the dates applied: `scheduled` is an open call whose "
        "`opens_at` is ahead (no resource can be proposed yet); an open call past its "
        "`closes_at` is `closed`.",
    )

    class Meta:
        model = Call
        fields = [
            "slug",
            "title",
            "summary",
            "description",
            "description_html",
            "funder_name",
            "status",
            "opens_at",
            "closes_at",
            "budget_amount",
            "budget_currency",
            "allowed_licenses",
            "default_license",
            "approvals_required",
            "resource_template",
            "required_sections",
            "funding_min",
            "funding_max",
            "created_by",
            "created_at",
            "stats",
            "phase",
        ]
        extra_kwargs = {"slug": {"required": False}, "default_license": {"required": False}}

    def to_representation(self, call):
        data = super().to_representation(call)
        if call.phase == Call.Status.CLOSED:
            data["status"] = Call.Status.CLOSED  # closed by its date, whether recorded yet or not
        return data

    def validate_slug(self, slug):
        if self.instance and slug != self.instance.slug:
            raise serializers.ValidationError(
                _("The slug is the call's address in every link: it cannot change.")
            )
        return slug

    def validate(self, attrs):
        call = copy.copy(self.instance) if self.instance else Call()
        for name, value in attrs.items():
            setattr(call, name, value)
        call.clean()  # the rules the web form runs too
        if self.instance is None or {"allowed_licenses", "default_license"} & attrs.keys():
            # clean() settles the pair (duplicates dropped, a default picked): keep both.
            attrs = {
                **attrs,
                "allowed_licenses": call.allowed_licenses,
                "default_license": call.default_license,
            }
        if "required_sections" in attrs:
            attrs = {**attrs, "required_sections": call.required_sections}  # trimmed, deduplicated
        return attrs

    def create(self, validated_data):
        return launch_call(call=Call(**validated_data), funder=self.context["request"].user)

    @transaction.atomic
    def update(self, call, validated_data):
        """Only the fields sent are written; a status sent is a move, checked on the fresh row."""
        actor = self.context["request"].user
        status = validated_data.pop("status", None)
        if status is not None:
            try:
                change_status(call=call, to=status, actor=actor)
            except StatusMoveRefused as refused:
                if refused.call.status != status:  # already there is no move, and no error
                    raise Conflict(str(refused)) from None
        try:
            return save_call(call=call, actor=actor, changes=validated_data)
        except CallArchived as error:
            raise Conflict(str(error)) from None


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("status", enum=Call.Status.values, required=False)]
    )
)
class CallList(generics.ListCreateAPIView):
    """Calls, newest first; `?status=` filters. Funders create drafts and steward them."""

    serializer_class = CallSerializer
    permission_classes = [CanLaunchCalls]

    def get_queryset(self):
        calls = visible_calls(self.request.user, Call.objects.with_stats())
        calls = calls.select_related("created_by")
        status_filter = self.request.query_params.get("status")
        if status_filter:
            if status_filter not in Call.Status.values:
                raise exceptions.ValidationError(
                    {"status": [_("Use one of: %s.") % ", ".join(Call.Status.values)]}
                )
            calls = calls.in_status(status_filter)
        return calls

    def perform_create(self, serializer):
        call = serializer.save()
        serializer.instance = Call.objects.with_stats().select_related("created_by").get(pk=call.pk)


class CallDetail(VerbsFirst, CallMixin, generics.RetrieveUpdateAPIView):
    """A call; its stewards edit it and move its status draft -> open -> closed -> archived."""

    serializer_class = CallSerializer
    permission_classes = [StewardsWrite]
    http_method_names = ["get", "patch", "head", "options"]

    def calls(self):
        return super().calls().with_stats().select_related("created_by")

    def get_object(self):
        return self.call


# Members


class UsernameField(serializers.SlugRelatedField):
    """A username looked up in the database; NUL refused first (PostgreSQL errors on it)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(_("Null characters are not allowed."))
        return super().to_internal_value(data)


class MemberSerializer(serializers.ModelSerializer):
    username = UsernameField(
        source="user",
        slug_field="username",
        queryset=User.objects.all(),
        error_messages={"does_not_exist": gettext_lazy("No account has this username.")},
    )
    display_name = serializers.CharField(source="user.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["username", "display_name", "role", "created_at"]


class MemberList(CallMixin, generics.ListCreateAPIView):
    """Stewards and reviewers of a call.

    POSTing someone who is already a member changes their role and answers
    200 (201 when the member is new); demoting the last steward answers 409.
    """

    serializer_class = MemberSerializer
    permission_classes = [StewardsWrite]

    def get_queryset(self):
        return self.call.memberships.select_related("user")

    @extend_schema(responses={200: MemberSerializer, 201: MemberSerializer})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            membership, created = set_member(
                call=self.call, actor=request.user, **serializer.validated_data
            )
        except (LastSteward, CallArchived) as error:
            raise Conflict(str(error)) from None
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(membership).data, status=answer)


class MemberDetail(VerbsFirst, CallMixin, generics.DestroyAPIView):
    """Removes a member; the call's last steward stays (409)."""

    serializer_class = MemberSerializer
    permission_classes = [StewardsWrite]

    def get_object(self):
        return get_object_or_404(
            self.call.memberships.select_related("user"), user__username=self.kwargs["username"]
        )

    def perform_destroy(self, membership):
        try:
            remove_member(call=self.call, user=membership.user, actor=self.request.user)
        except (LastSteward, CallArchived) as error:
            raise Conflict(str(error)) from None


# Challenges


class ChallengeSerializer(serializers.ModelSerializer):
    resource_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Challenge
        fields = ["slug", "title", "description", "description_html", "resource_count"]
        extra_kwargs = {"slug": {"required": False}}

    def validate(self, attrs):
        challenge = copy.copy(self.instance) if self.instance else Challenge()
        challenge.call = self.context["view"].call
        for name, value in attrs.items():
            setattr(challenge, name, value)
        challenge.clean()  # the rules the web form runs too
        return attrs

    def save(self, **kwargs):
        challenge = copy.copy(self.instance) if self.instance else Challenge()
        for name, value in {**self.validated_data, **kwargs}.items():
            setattr(challenge, name, value)
        try:
            self.instance = save_challenge(challenge=challenge)
        except CallArchived as error:
            raise Conflict(str(error)) from None
        return self.instance


class ChallengeMixin(CallMixin):
    serializer_class = ChallengeSerializer
    permission_classes = [StewardsWrite]

    def get_queryset(self):
        # Counting groups rows, which drops the model's default ordering: restate it.
        challenges = self.call.challenges.annotate(resource_count=Count("resources"))
        return challenges.order_by("position", "pk")


class ChallengeList(ChallengeMixin, generics.ListCreateAPIView):
    """The challenges (défis) of a call, in their order; stewards add them."""

    def perform_create(self, serializer):
        challenge = serializer.save(call=self.call)
        serializer.instance = self.get_queryset().get(pk=challenge.pk)


class ChallengeDetail(VerbsFirst, ChallengeMixin, generics.RetrieveUpdateAPIView):
    """One challenge; stewards edit it."""

    http_method_names = ["get", "patch", "head", "options"]
    lookup_field = "slug"
    lookup_url_kwarg = "challenge"


# Cut-off dates


class CutoffSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cutoff
        fields = ["id", "title", "date", "published", "published_at"]
        read_only_fields = ["id", "published", "published_at"]


class CutoffList(CallMixin, generics.ListCreateAPIView):
    """A call's cut-off dates ("relevés"), in date order; stewards add them.

    The dates are public; the decisions taken at each are private until the
    cut-off is published (`cutoffs/{id}/decisions`).
    """

    serializer_class = CutoffSerializer
    permission_classes = [StewardsWrite]

    def get_queryset(self):
        return self.call.cutoffs.all()

    def perform_create(self, serializer):
        try:
            serializer.instance = add_cutoff(
                call=self.call, actor=self.request.user, **serializer.validated_data
            )
        except CallArchived as error:
            raise Conflict(str(error)) from None


# <str:...> rather than <slug:...>: any name reaches the views, which answer a JSON 404.
urlpatterns = [
    path("auth/register", RegisterView.as_view(), name="register"),
    path("auth/token", TokenView.as_view(), name="token"),
    path("auth/token/revoke", RevokeTokenView.as_view(), name="token-revoke"),
    path("me", MeView.as_view(), name="me"),
    path("calls", CallList.as_view(), name="call-list"),
    path("calls/<str:call>", CallDetail.as_view(), name="call-detail"),
    path("calls/<str:call>/members", MemberList.as_view(), name="member-list"),
    path("calls/<str:call>/members/<str:username>", MemberDetail.as_view(), name="member-detail"),
    path("calls/<str:call>/challenges", ChallengeList.as_view(), name="challenge-list"),
    path("calls/<str:call>/cutoffs", CutoffList.as_view(), name="cutoff-list"),
    path(
        "calls/<str:call>/challenges/<str:challenge>",
        ChallengeDetail.as_view(),
        name="challenge-detail",
    ),
]
