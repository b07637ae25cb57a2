"""JSON API v1 for resources and their versions (contract: shared/API.md).

Every write goes through resources/editing.py, as the pages' do; these views
check the request's shape, call it, and turn its answers into status codes:
CallNotOpen -> 409, EditConflict -> 409 with the submitted text unchanged,
ContentTooLarge -> 413, ValidationError -> 400 (the shared handler).
Handlers take the URL's named parts as `**url`: `url["call"]` and
`url["resource"]` are slugs (the names API.md gives them), loaded by
resources/loaders.py.
"""

from contextlib import contextmanager
from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import slug_re
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from appel.conditional import conditional
from appel.drf import Conflict, Pagination, PayloadTooLarge, conflict_response
from appel.loaders import get_call
from appel.parsers import JSONParser

from . import (
    editing,
    files,
    links,
    loaders,
    pagecache,
    pooling,
    reading,
    search,
    similar,
    slots,
    teams,
)
from .models import FileRevision, Participation, Resource, ResourceVersion

# Output


class VersionSummarySerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # A restore's note ("Restored version 2") in the language the client asks for.
    comment = serializers.CharField(source="display_comment", read_only=True)

    class Meta:
        model = ResourceVersion
        fields = [
            "number",
            "author",
            "created_at",
            "comment",
            "size",
            "delta",
            "state",
            "parent_number",
            "merged",
            "restored_from",
        ]
        read_only_fields = fields


# What the "version-review-data" slot returns (resources/slots.py), for the schema.
_REVIEWS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "reviewer": {"type": "string"},
            "verdict": {"type": "string"},
            "comment": {"type": "string"},
            "comment_html": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
}


class VersionDetailSerializer(VersionSummarySerializer):
    content = serializers.CharField(read_only=True)
    reviews = serializers.SerializerMethodField()

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "title", "content", "html", "reviews"]
        read_only_fields = fields

    @extend_schema_field(_REVIEWS_SCHEMA)
    def get_reviews(self, version):
        """Filled by contributions through a slot: resources knows nothing of reviews."""
        return [
            review for part in slots.VERSION_REVIEW_DATA.fill(version=version) for review in part
        ]


class LicenseSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()


class DerivedFromSerializer(serializers.Serializer):
    call = serializers.SlugField()
    resource = serializers.SlugField()
    version = serializers.IntegerField(min_value=1, max_value=loaders.MAX_NUMBER)


def _decisions_about(resources):
    """{resource pk: [published decisions]} from whoever fills the slot (contributions)."""
    found = {}
    for part in slots.RESOURCES_DECISION_DATA.fill(resources=resources):
        for pk, decisions in part.items():
            found.setdefault(pk, []).extend(decisions)
    return found


class CompletenessSerializer(serializers.Serializer):
    required = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    empty = serializers.ListField(
        child=serializers.CharField(), help_text="Missing sections whose heading is there, empty."
    )


class ResourceListSerializer(serializers.ListSerializer):
    """Reads the decisions of every resource of the list at once."""

    def to_representation(self, data):
        resources = list(data.all() if hasattr(data, "all") else data)
        self.child.decisions_found = _decisions_about(resources)
        reading.attach_challenges(resources)
        return super().to_representation(resources)


class BacklinkSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class ResourceSerializer(serializers.ModelSerializer):
    call = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    challenge = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The first of `challenges`."
    )
    challenges = serializers.SerializerMethodField(
        help_text="The défis it answers (slugs), in the call's order of défis."
    )
    license = serializers.SerializerMethodField()
    latest_version = VersionSummarySerializer(read_only=True)
    stable_version = VersionSummarySerializer(read_only=True)
    derived_from = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    merged_into = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text="The commun it was merged into (its history stays readable), or null.",
    )
    url = serializers.SerializerMethodField(help_text="The resource's web page.")
    participants_count = serializers.IntegerField(read_only=True, default=0)
    completeness = CompletenessSerializer(read_only=True)
    decisions = serializers.SerializerMethodField(
        help_text="The published cut-off decisions about this resource, the latest first."
    )
    backlinks = serializers.SerializerMethodField(
        help_text="Resources of the call whose text links to this one with [[slug]]."
    )
    files_count = serializers.SerializerMethodField()

    class Meta:
        model = Resource
        list_serializer_class = ResourceListSerializer
        fields = [
            "slug",
            "title",
            "call",
            "challenge",
            "challenges",
            "license",
            "latest_version",
            "stable_version",
            "derived_from",
            "created_by",
            "created_at",
            "updated_at",
            "merged_into",
            "url",
            "participants_count",
            "completeness",
            "decisions",
            "backlinks",
            "files_count",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_challenges(self, resource):
        if not hasattr(resource, "answered"):
            reading.attach_challenges([resource])
        return [challenge.slug for challenge in resource.answered]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_decisions(self, resource):
        found = getattr(self, "decisions_found", None)
        if found is None:
            found = _decisions_about([resource])
        return found.get(resource.pk, [])

    @extend_schema_field(BacklinkSerializer(many=True))
    def get_backlinks(self, resource):
        if not hasattr(resource, "backlinks"):
            links.attach_counts([resource])
        return BacklinkSerializer(resource.backlinks, many=True).data

    @extend_schema_field(OpenApiTypes.INT)
    def get_files_count(self, resource):
        if not hasattr(resource, "files_count"):
            links.attach_counts([resource])
        return resource.files_count

    @extend_schema_field(LicenseSerializer)
    def get_license(self, resource):
        info = resource.license_info
        if info is None:  # an id since dropped from the catalogue: still say what it was
            return {"id": resource.license, "name": resource.license, "url": ""}
        return info.as_dict()

    @extend_schema_field(DerivedFromSerializer(allow_null=True))
    def get_derived_from(self, resource):
        source = resource.public_source
        if source is None:
            return None
        return {
            "call": source.resource.call.slug,
            "resource": source.resource.slug,
            "version": source.number,
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, resource):
        request = self.context.get("request")
        url = resource.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


# Input


class TextField(serializers.CharField):
    """A JSON string and nothing else: 3 is not a text, whatever DRF's CharField thinks."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(DerivedFromSerializer)
class DerivedFromField(serializers.Field):
    """`{call, resource, version}`, with its errors as one sentence (errors stay flat lists)."""

    default_error_messages = {
        "invalid": gettext_lazy(
            # Doubled braces: DRF formats this message.
            'Name the version to reuse as {{"call": slug, "resource": slug, "version": number}}.'
        )
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("invalid")
        call, resource = data.get("call"), data.get("resource")
        if not all(isinstance(slug, str) and slug_re.fullmatch(slug) for slug in (call, resource)):
            self.fail("invalid")
        try:
            version = loaders.parse_number(data.get("version"), field="version")
        except ValueError:
            self.fail("invalid")
        return {"call": call, "resource": resource, "version": version}

    def to_representation(self, value):
        return value


class ResourceCreateSerializer(serializers.Serializer):
    title = TextField(max_length=200)
    slug = serializers.SlugField(max_length=80, required=False, allow_blank=True)
    challenge = serializers.SlugField(
        max_length=80, required=False, allow_null=True, allow_blank=True
    )
    challenges = serializers.ListField(
        child=serializers.SlugField(max_length=80), required=False, max_length=200
    )
    license = TextField(max_length=40, required=False, allow_null=True, allow_blank=True)
    content = TextField(allow_blank=True, trim_whitespace=False)
    comment = TextField(
        max_length=editing.MAX_COMMENT_CHARS, required=False, allow_blank=True, default=""
    )
    derived_from = DerivedFromField(required=False, allow_null=True)


class ResourceUpdateSerializer(serializers.Serializer):
    challenges = serializers.ListField(
        child=serializers.SlugField(max_length=80), required=False, max_length=200
    )
    challenge = serializers.SlugField(
        max_length=80, required=False, allow_null=True, allow_blank=True
    )

    def validate(self, attrs):
        if "challenges" not in attrs and "challenge" not in attrs:
            raise ValidationError(
                {"challenges": [_("Send the challenges (a list of slugs) to change.")]}
            )
        return attrs


def _challenges_in(call, data):
    """The défis named by `challenges` (or the single `challenge`), or None if neither is sent."""
    if "challenges" in data:
        return editing.challenges_named(call=call, slugs=data["challenges"])
    if "challenge" in data:
        slugs = [data["challenge"]] if data["challenge"] else []
        return editing.challenges_named(call=call, slugs=slugs, field="challenge")
    return None


class EditSerializer(serializers.Serializer):
    content = TextField(allow_blank=True, trim_whitespace=False)
    title = TextField(max_length=200, required=False)
    comment = TextField(
        max_length=editing.MAX_COMMENT_CHARS, required=False, allow_blank=True, default=""
    )
    base_version = serializers.IntegerField(min_value=1, max_value=loaders.MAX_NUMBER)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    latest_version = serializers.IntegerField()
    content = serializers.CharField(help_text="The submitted text, unchanged.")


# Shared pieces


class VersionPagination(Pagination):
    """The shared page format, cut by version number so that deep pages stay fast."""

    def __init__(self, latest_number):
        self.latest_number = latest_number

    def django_paginator_class(self, queryset, per_page):
        return reading.VersionPaginator(queryset, per_page, latest_number=self.latest_number)


class WriteMixin:
    """Writes count against the "edit" rate and refuse huge bodies before reading them.

    DRF parses JSON straight from the request stream, past Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE check, so the declared length is checked here.
    """

    throttle_scope = "edit"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = getattr(self, "max_body_bytes", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
            if length > limit:
                raise PayloadTooLarge(
                    _("The request body is %(size)s bytes; the limit is %(limit)s bytes.")
                    % {"size": length, "limit": limit}
                )

    def validated(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _ensure_open(call):
    if not call.is_open:
        raise Conflict(str(editing.CallNotOpen(call)))


@contextmanager
def _domain_errors():
    """The editing module's refusals as API errors (validation errors pass to the handler)."""
    try:
        yield
    except editing.CallNotOpen as error:
        raise Conflict(str(error)) from None
    except editing.ContentTooLarge as error:
        raise PayloadTooLarge(str(error)) from None
    except (editing.ResourceMerged, pooling.MergeRefused) as error:
        raise Conflict(str(error)) from None


def _version_response(request, result):
    data = VersionDetailSerializer(result.version, context={"request": request}).data
    data["merged"] = result.merged
    code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
    return Response(data, status=code)


# Views


class ResourceList(WriteMixin, generics.GenericAPIView):
    """A call's resources, the latest changed first; anyone signed in proposes one."""

    serializer_class = ResourceSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="calls_resources_list",
        responses=ResourceSerializer(many=True),
        parameters=[
            OpenApiParameter("challenge", str, description="Only the resources of this challenge."),
            OpenApiParameter("q", str, description="Words in the title or the text."),
        ],
    )
    def get(self, request, **url):
        call = get_call(request.user, url["call"])
        queryset = reading.resources_of(call, loaders.resources(request.user))
        challenge = request.query_params.get("challenge")
        if challenge:
            valid = slug_re.fullmatch(challenge)
            queryset = queryset.filter(challenges__slug=challenge) if valid else queryset.none()
        queryset = search.filter_resources(queryset, request.query_params.get("q"))
        page = self.paginate_queryset(queryset.annotate(files_count=links.files_count()))
        for resource in page:
            resource.call = call
        links.attach_counts(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=ResourceCreateSerializer, responses={201: ResourceSerializer})
    def post(self, request, **url):
        call = get_call(request.user, url["call"])
        _ensure_open(call)
        data = self.validated(ResourceCreateSerializer)
        challenges = _challenges_in(call, data)
        derived_from = None
        if data.get("derived_from"):
            source = data["derived_from"]
            derived_from = loaders.find_version(
                request.user, source["call"], source["resource"], source["version"]
            )
            if derived_from is None:
                raise ValidationError({"derived_from": [_("There is no such version to reuse.")]})
        with _domain_errors():
            version = editing.create_resource(
                call=call,
                author=request.user,
                title=data["title"],
                content=data["content"],
                license=data.get("license") or None,
                challenges=challenges,
                slug=data.get("slug") or None,
                comment=data["comment"],
                derived_from=derived_from,
            )
        resource = version.resource
        location = request.build_absolute_uri(
            reverse("api:resource-detail", args=[resource.call.slug, resource.slug])
        )
        data = self.get_serializer(resource).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class ResourceDetail(WriteMixin, generics.GenericAPIView):
    """A resource; its leads and the call's stewards change the défis it answers (PATCH)."""

    serializer_class = ResourceSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        links.attach_counts([resource])
        return Response(self.get_serializer(resource).data)

    @extend_schema(request=ResourceUpdateSerializer, responses={200: ResourceSerializer})
    def patch(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        data = self.validated(ResourceUpdateSerializer)
        challenges = _challenges_in(resource.call, data)
        with _domain_errors():
            editing.set_challenges(resource=resource, user=request.user, challenges=challenges)
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        links.attach_counts([resource])
        return Response(self.get_serializer(resource).data)


class MergeSerializer(serializers.Serializer):
    into = serializers.SlugField(max_length=80, help_text="The commun to keep.")


class ResourceMerge(WriteMixin, generics.GenericAPIView):
    """Stewards merge this commun into another of the call (`into`); answers the kept one."""

    serializer_class = ResourceSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(request=MergeSerializer, responses={200: ResourceSerializer})
    def post(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        data = self.validated(MergeSerializer)
        into = loaders.resources(request.user).filter(call=resource.call, slug=data["into"]).first()
        if into is None:
            raise ValidationError({"into": [_("This call has no commun with this slug.")]})
        with _domain_errors():
            pooling.merge_resource(resource=resource, into=into, actor=request.user)
        kept = loaders.get_resource(request.user, url["call"], into.slug)
        links.attach_counts([kept])
        return Response(self.get_serializer(kept).data)


class FileRevisionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="file.name")
    url = serializers.SerializerMethodField(help_text="Serves this revision's bytes.")
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    revision = serializers.IntegerField(source="number")

    class Meta:
        model = FileRevision
        fields = [
            "name",
            "url",
            "size",
            "content_type",
            "sha256",
            "license",
            "uploaded_by",
            "created_at",
            "revision",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, revision):
        file = revision.file
        url = reverse(
            "resources:file-download", args=[file.resource.call.slug, file.resource.slug, file.name]
        )
        if revision.pk != file.latest_id:
            url += f"?revision={revision.number}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class FileDetailSerializer(FileRevisionSerializer):
    revisions = serializers.SerializerMethodField(help_text="Every revision, newest first.")

    class Meta(FileRevisionSerializer.Meta):
        fields = [*FileRevisionSerializer.Meta.fields, "revisions"]
        read_only_fields = fields

    @extend_schema_field(FileRevisionSerializer(many=True))
    def get_revisions(self, revision):
        found = list(files.revisions_of(revision.file))
        for other in found:
            other.file = revision.file
        return FileRevisionSerializer(found, many=True, context=self.context).data


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    name = TextField(max_length=200, required=False, allow_blank=True)
    license = TextField(max_length=40, required=False, allow_null=True, allow_blank=True)


def _latest(file):
    revision = file.latest
    revision.file = file
    return revision


class FileList(WriteMixin, generics.GenericAPIView):
    """A resource's files, by name; a multipart POST uploads one (or a new revision of one)."""

    serializer_class = FileRevisionSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    # Multipart for the file; JSON still parsed (depth-limited) so that it gets a clear 400.
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_scope = "upload"
    # The body is a file: its own limit (settings.FILE_MAX_BYTES) plus room for the form.
    max_body_bytes = property(lambda self: settings.FILE_MAX_BYTES + 100_000)

    @extend_schema(operation_id="calls_resources_files_list")
    def get(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        page = self.paginate_queryset(files.files_of(resource))
        for file in page:
            file.resource = resource
        return self.get_paginated_response(
            self.get_serializer([_latest(file) for file in page], many=True).data
        )

    @extend_schema(request=FileUploadSerializer, responses={201: FileDetailSerializer})
    def post(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        _ensure_open(resource.call)
        data = self.validated(FileUploadSerializer)
        try:
            with _domain_errors():
                revision = files.upload_file(
                    resource=resource,
                    uploader=request.user,
                    upload=data["file"],
                    name=data.get("name") or None,
                    license=data.get("license") or None,
                )
        except files.FileRefused as error:
            raise ValidationError({"file": [str(error)]}) from None
        except (files.FileTooLarge, files.QuotaExceeded) as error:
            raise PayloadTooLarge(str(error)) from None
        file = files.get_file(resource, revision.file.name)
        location = request.build_absolute_uri(
            reverse("api:file-detail", args=[resource.call.slug, resource.slug, file.name])
        )
        data = FileDetailSerializer(_latest(file), context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class FileDetail(generics.GenericAPIView):
    """One file's metadata with its revisions; `?download=1` answers its bytes instead."""

    serializer_class = FileDetailSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("download", str, description="1: the bytes, not the metadata."),
            OpenApiParameter("revision", int, description="With download: an older revision."),
        ]
    )
    def get(self, request, name, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        file = files.get_file(resource, name)
        if request.query_params.get("download") in {"1", "true", "yes"}:
            revision = files.get_revision(file, request.query_params.get("revision"))
            return files.serve(request, revision)
        return Response(self.get_serializer(_latest(file)).data)


class VersionList(WriteMixin, generics.GenericAPIView):
    """A resource's history, newest first; an edit is a POST here (see the conflict rules)."""

    serializer_class = VersionSummarySerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        operation_id="calls_resources_versions_list",
        responses=VersionSummarySerializer(many=True),
    )
    def get(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        paginator = VersionPagination(resource.latest_version.number)
        page = paginator.paginate_queryset(reading.history(resource), request, view=self)
        return paginator.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=EditSerializer,
        responses={
            200: VersionDetailSerializer,
            201: VersionDetailSerializer,
            409: ConflictSerializer,
        },
    )
    def post(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        _ensure_open(resource.call)
        data = self.validated(EditSerializer)
        try:
            with _domain_errors():
                result = editing.edit_resource(
                    resource=resource,
                    author=request.user,
                    content=data["content"],
                    base_version=data["base_version"],
                    title=data.get("title"),
                    comment=data["comment"],
                )
        except editing.EditConflict as conflict:
            # The text exactly as sent (not even line ends normalized): nothing is lost.
            return conflict_response(
                str(conflict), latest_version=conflict.latest.number, content=data["content"]
            )
        return _version_response(request, result)


class VersionDetail(generics.GenericAPIView):
    serializer_class = VersionDetailSerializer

    def get(self, request, number, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        version = loaders.get_version(resource, number)
        return Response(self.get_serializer(version).data)


class VersionRestore(WriteMixin, generics.GenericAPIView):
    """A new version holding an old one's text; history itself is never rewritten."""

    serializer_class = VersionDetailSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={200: VersionDetailSerializer, 201: VersionDetailSerializer}
    )
    def post(self, request, number, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        loaders.get_version(resource, number, with_heavy_columns=False)
        _ensure_open(resource.call)
        with _domain_errors():
            result = editing.restore_version(resource=resource, author=request.user, number=number)
        return _version_response(request, result)


class DiffSerializer(serializers.Serializer):
    changes = serializers.ListField(child=serializers.DictField())


class ResourceDiff(generics.GenericAPIView):
    serializer_class = DiffSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True),
            OpenApiParameter("to", int, required=True),
        ]
    )
    def get(self, request, **url):
        resource = loaders.get_resource(request.user, url["call"], url["resource"])
        numbers, errors = {}, {}
        for key in ("from", "to"):
            raw = request.query_params.get(key, "")
            if not raw.strip():
                errors[key] = [_("Give the version number to compare (?from=A&to=B).")]
                continue
            try:
                numbers[key] = loaders.parse_number(raw, field=key)
            except ValueError as error:
                errors[key] = [str(error)]
        if errors:
            raise ValidationError(errors)
        old, new, changes = reading.compare(resource, numbers["from"], numbers["to"])
        return Response({"from": old.number, "to": new.number, "changes": changes})


class SimilarSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    score = serializers.FloatField(help_text="In [0, 1]: 1 is the same title and text.")
    url = serializers.CharField(help_text="Its page.")
    join_url = serializers.CharField(help_text="The page form that joins its team (POST).")


class SimilarResults(serializers.Serializer):
    results = SimilarSerializer(many=True)


class SimilarResources(generics.GenericAPIView):
    """The call's resources closest to a proposal (`?title=&content=`), best first.

    What "propose a resource" suggests joining instead: score in [0, 1],
    accents and case ignored (resources/similar.py); at most `?limit=`
    (5 by default, 20 at most). Long texts are cut, not refused.
    """

    serializer_class = SimilarSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("title", str, required=False),
            OpenApiParameter("content", str, required=False),
            OpenApiParameter("limit", int, required=False),
        ],
        responses=SimilarResults,
    )
    def get(self, request, call):
        call = get_call(request.user, call)
        try:
            limit = int(request.query_params.get("limit", similar.DEFAULT_LIMIT))
        except ValueError:
            limit = similar.DEFAULT_LIMIT
        found = similar.similar_resources(
            call,
            request.query_params.get("title", ""),
            request.query_params.get("content", ""),
            limit=limit,
        )
        results = [
            {
                "slug": resource.slug,
                "title": resource.title,
                "score": score,
                "url": resource.get_absolute_url(),
                "join_url": reverse("resources:resource-join", args=[call.slug, resource.slug]),
            }
            for resource, score in found
        ]
        return Response({"results": results})


class SearchCallSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()


class SearchChallengeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    call = serializers.SlugField(source="call.slug")


class SearchThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    call = serializers.SlugField(source="call.slug")
    resource = serializers.SlugField(source="resource.slug", allow_null=True, default=None)
    url = serializers.CharField(source="get_absolute_url")


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = serializers.ListField(
        child=serializers.DictField(), help_text="Every match, each with its `type`."
    )
    calls = SearchCallSerializer(many=True)
    challenges = SearchChallengeSerializer(many=True)
    resources = ResourceSerializer(many=True)
    threads = SearchThreadSerializer(many=True)
    page = serializers.IntegerField()


class Search(generics.GenericAPIView):
    """Calls, challenges, resources and threads matching `?q=`, the best matches first.

    Grouped by kind, and also as one `results` list (each item with its
    `type` and `excerpt`: escaped text, the matched words in `<mark>`) in
    the shared list format; at most 20 of each kind per page (`?page=`),
    `next` when some kind has more.
    """

    serializer_class = ResourceSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("page", int, required=False),
        ],
        responses=SearchResultsSerializer,
    )
    def get(self, request):
        results = search.search(
            user=request.user,
            q=request.query_params.get("q", ""),
            resource_queryset=loaders.resources(request.user),
            page=request.query_params.get("page", 1),
        )
        context = self.get_serializer_context()

        def with_excerpts(found, data):
            pairs = zip(found, data, strict=True)
            return [{**item, "excerpt": str(obj.excerpt)} for obj, item in pairs]

        calls = with_excerpts(results.calls, SearchCallSerializer(results.calls, many=True).data)
        challenges = with_excerpts(
            results.challenges, SearchChallengeSerializer(results.challenges, many=True).data
        )
        links.attach_counts(results.resources)
        resources = with_excerpts(
            results.resources,
            ResourceSerializer(results.resources, many=True, context=context).data,
        )
        threads = with_excerpts(
            results.threads, SearchThreadSerializer(results.threads, many=True).data
        )
        flat = [
            *({"type": "call", **item} for item in calls),
            *({"type": "challenge", **item} for item in challenges),
            *({"type": "resource", **item} for item in resources),
            *({"type": "thread", **item} for item in threads),
        ]

        def page_link(number):
            return request.build_absolute_uri(
                f"{request.path}?{urlencode({'q': results.query, 'page': number})}"
            )

        return Response(
            {
                "query": results.query,
                "count": len(flat),
                "next": page_link(results.page + 1) if results.more else None,
                "previous": page_link(results.page - 1) if results.page > 1 else None,
                "results": flat,
                "calls": calls,
                "challenges": challenges,
                "resources": resources,
                "threads": threads,
                "page": results.page,
            }
        )


_RESOURCE = "calls/<slug:call>/resources/<slug:resource>"


class ParticipantSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Participation
        fields = ["username", "display_name", "role", "joined_at"]
        read_only_fields = fields


class Participants(generics.GenericAPIView):
    """The team of a commun; POST joins it, DELETE leaves it (oneself, while the call is open).

    The last lead cannot leave (409): a commun always has someone to answer for it.
    """

    serializer_class = ParticipantSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_scope = "edit"

    def resource(self):
        return loaders.get_resource(self.request.user, self.kwargs["call"], self.kwargs["resource"])

    def get(self, request, call, resource):
        page = self.paginate_queryset(teams.team(self.resource()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=None, responses={201: ParticipantSerializer})
    def post(self, request, call, resource):
        with _domain_errors():
            participation, created = teams.join(resource=self.resource(), user=request.user)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(participation).data, status=code)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, call, resource):
        with _domain_errors():
            try:
                teams.leave(resource=self.resource(), user=request.user)
            except teams.LastLead as error:
                raise Conflict(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# GETs of one resource answer If-None-Match with 304 for anonymous clients (appel/conditional.py).
_conditional = conditional(pagecache.resource_state)

urlpatterns = [
    path("calls/<slug:call>/resources", ResourceList.as_view(), name="resource-list"),
    path(
        "calls/<slug:call>/resources/similar",
        SimilarResources.as_view(),
        name="similar-resources",
    ),
    path(_RESOURCE, _conditional(ResourceDetail.as_view()), name="resource-detail"),
    path(f"{_RESOURCE}/versions", _conditional(VersionList.as_view()), name="version-list"),
    path(
        f"{_RESOURCE}/versions/<int:number>",
        _conditional(VersionDetail.as_view()),
        name="version-detail",
    ),
    path(
        f"{_RESOURCE}/versions/<int:number>/restore",
        VersionRestore.as_view(),
        name="version-restore",
    ),
    path(f"{_RESOURCE}/diff", _conditional(ResourceDiff.as_view()), name="resource-diff"),
    path(f"{_RESOURCE}/participants", Participants.as_view(), name="resource-participants"),
    path(f"{_RESOURCE}/merge", ResourceMerge.as_view(), name="resource-merge"),
    path(f"{_RESOURCE}/files", FileList.as_view(), name="file-list"),
    path(f"{_RESOURCE}/files/<str:name>", FileDetail.as_view(), name="file-detail"),
    path("search", Search.as_view(), name="search"),
]
