import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from appel import licenses
from appel.models import Call, Challenge

from . import completeness


class ResourceQuerySet(models.QuerySet):
    def with_versions(self):
        """What a list or a page needs in one query: call, challenge, both version pointers."""
        return self.select_related(
            "call",
            "challenge",
            "created_by",
            "latest_version__author",
            "stable_version__author",
        )


class ResourceManager(models.Manager.from_queryset(ResourceQuerySet)):
    """Never loads `search_document`: its words are for the database's search alone."""

    def get_queryset(self):
        return super().get_queryset().defer("search_document")


@reversion.register(
    exclude=(
        "latest_version",
        "stable_version",
        "updated_at",
        "search_document",
        "outline",
        "challenges",
        "merged_into",
        "pending_since",
    )
)
class Resource(models.Model):
    """A commun: an openly licensed text co-edited by anyone while its call is open.

    Its current fields are the latest version; each saved state is a reversion
    snapshot, described by a ResourceVersion row. Never update it with
    QuerySet.update(): every save goes through resources/editing.py (only the
    derived `search_document` is refreshed in bulk, by resources/search.py).
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="resources")
    # The défis it answers, in the call's order of défis (Challenge.Meta.ordering);
    # `challenge` is the first of them, kept by resources/answering.py so that
    # lists and breadcrumbs read it with one join.
    challenges = models.ManyToManyField(
        Challenge, through="ResourceChallenge", related_name="resources", blank=True
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    license = models.CharField(_("license"), max_length=40)
    content = models.TextField(_("content"), blank=True)
    # Set when a steward merged this commun into another (resources/pooling.py): its
    # history stays readable, it takes no more edits, its readers are sent there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="absorbed"
    )
    derived_from = models.ForeignKey(
        "ResourceVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derivatives",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    # PostgreSQL only (NULL elsewhere): the title and text as French words,
    # written with every save, GIN-indexed (resources/search.py).
    search_document = SearchVectorField(null=True, editable=False)
    # The latest text's headings, [[level, title, filled], ...], written with
    # every save (resources/completeness.py): lists show each resource's
    # completeness without reading its text.
    outline = models.JSONField(default=list, editable=False)
    # Pointers kept by editing.py and contributions/reviewing.py so that a page
    # reads both versions with one join, whatever the length of the history.
    latest_version = models.ForeignKey(
        "ResourceVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stable_version = models.ForeignKey(
        "ResourceVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the oldest version waiting for review was saved (the first one after
    # the stable version), NULL once the latest is validated: the review
    # queue's order and filter, kept with the pointers by editing.py and
    # contributions/reviewing.py in the same transaction.
    pending_since = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ResourceManager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("commons resource")
        verbose_name_plural = _("commons resources")
        constraints = [
            models.UniqueConstraint(fields=["call", "slug"], name="resource_slug_unique_in_call")
        ]
        indexes = [
            # A call's resource list and review queue: the latest changed first.
            models.Index(fields=["call", "-updated_at", "-id"], name="resource_call_updated"),
            # The review queue: what waits in a call, the longest waiting first.
            models.Index(
                fields=["call", "pending_since", "id"],
                name="resource_call_pending",
                condition=models.Q(pending_since__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:resource-detail", args=[self.call.slug, self.slug])

    @property
    def license_info(self):
        return licenses.get(self.license)

    @property
    def completeness(self):
        """`{required, missing, empty}` of the latest text against the call's required sections."""
        return completeness.completeness(self.outline, self.call.required_sections)

    @property
    def public_source(self):
        """The version this resource derives from, unless it sits in a draft call.

        A draft's objects are its stewards' alone, while a derived resource
        may be public (only an SQL edit or a call moved back could make this
        happen). Its pages, API, credits and exports are shared by all
        readers and cached, so the draft source is left out for everyone,
        its stewards included: they still read it in the draft itself.
        """
        source = self.derived_from
        if source is None or source.resource.call.status == Call.Status.DRAFT:
            return None
        return source

    @property
    def displayed_version(self):
        """What readers see by default: the stable version, else the latest."""
        return self.stable_version or self.latest_version


class ResourceVersion(models.Model):
    """What reviews, history and attribution need about one saved state.

    Attached to its reversion revision with reversion.add_meta, so the
    snapshot and this row are written in the same transaction.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending review")
        VALIDATED = "validated", _("Validated")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="resource_version"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    parent_number = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State, default=State.PENDING)
    size = models.PositiveIntegerField(help_text=_("Bytes of Markdown (UTF-8)."))
    delta = models.IntegerField()
    content_hash = models.CharField(max_length=64)
    html = models.TextField()
    # Who wrote each word: [[user_id, word_count], ...] runs over content.split().
    authorship = models.JSONField(default=list)
    merged = models.BooleanField(default=False)
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="version_number_unique")
        ]
        indexes = [
            models.Index(fields=["resource", "-created_at"], name="version_resource_created"),
            # Recent changes walk this index newest first and stop after a page
            # (contributions/activity.py), whatever the number of versions.
            models.Index(fields=["created_at", "id"], name="version_created"),
            # A person's versions, newest first (their profile, `?user=`).
            models.Index(fields=["author", "created_at"], name="version_author_created"),
            # Credits and call statistics read (resource, number, author) of many versions.
            models.Index(fields=["resource", "number", "author"], name="version_resource_author"),
        ]

    def __str__(self):
        return f"{self.resource} v{self.number}"

    def get_absolute_url(self):
        return reverse(
            "resources:version-detail",
            args=[self.resource.call.slug, self.resource.slug, self.number],
        )

    @property
    def system_note(self):
        """What the system says of this version, in the reader's language.

        Stored as codes (`restored_from`, `merged`), never as words, so that a
        French reader never meets "Restored version 2".
        """
        if self.restored_from:
            return _("Restored version %(n)s") % {"n": self.restored_from}
        if self.merged:
            return _("Merged with changes saved meanwhile")
        return ""

    @property
    def display_comment(self):
        """The editor's summary; for a restore without one, the system's note."""
        if self.comment or not self.restored_from:
            return self.comment
        return self.system_note

    @cached_property
    def content(self):
        """The Markdown of this version, read from its reversion snapshot (one query)."""
        from reversion.models import Version

        version = Version.objects.get(revision_id=self.revision_id, object_id=str(self.resource_id))
        return version.field_dict["content"]


class ResourceChallenge(models.Model):
    """A défi that a commun answers (a commun may answer one or several défis of its call)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "challenge"], name="resource_challenge_unique"
            )
        ]
        indexes = [models.Index(fields=["challenge", "resource"], name="challenge_resources")]

    def __str__(self):
        return f"{self.resource_id} -> {self.challenge_id}"


class Participation(models.Model):
    """Someone who says "I work on this commun", whether or not they wrote in it yet.

    Its creator is its first lead (resources/editing.create_resource); people
    join and leave through resources/teams.py, which keeps at least one lead.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTICIPANT = "participant", _("Participant")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.PARTICIPANT)
    joined_at = models.DateTimeField(_("joined on"), default=timezone.now)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="participation_unique")
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) @ {self.resource}"


class ResourceFile(models.Model):
    """A named file of a resource (an image, a document, a data set); its bytes are revisions.

    The name is what the text points to (`files/NAME`): uploading under the
    same name again adds a revision and keeps the older ones downloadable.
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept by resources/files.py with every upload, so that a list reads one join.
    latest = models.ForeignKey(
        "FileRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "name"], name="file_name_unique")
        ]

    def __str__(self):
        return self.name

    @property
    def extension(self):
        return self.name.rpartition(".")[2] if "." in self.name else ""


class FileRevision(models.Model):
    """One upload of a file: who, when, under which license, and which bytes.

    The bytes are stored once per SHA-256 (`storage_path`), whoever uploads
    them and however often: revisions only point to them.
    """

    file = models.ForeignKey(ResourceFile, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    license = models.CharField(_("license"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Images only: their size in pixels, and whether a thumbnail was stored.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    has_thumbnail = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="file_revision_unique")
        ]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"], name="file_uploader")]

    def __str__(self):
        return f"{self.file} r{self.number}"

    @property
    def storage_path(self):
        return f"files/{self.sha256[:2]}/{self.sha256}"

    @property
    def thumbnail_path(self):
        return f"thumbnails/{self.sha256[:2]}/{self.sha256}.webp"

    @property
    def is_image(self):
        return self.content_type in IMAGE_TYPES


# Served inline (shown in pages); anything else is served as an attachment.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


class ResourceLink(models.Model):
    """`[[slug]]` in the latest text of `source`: kept at each save, read for backlinks.

    Targets are slugs, not rows: a link to a resource not written yet is kept
    too, so that creating it finds who was waiting for it.
    """

    source = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="links")
    target_slug = models.SlugField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target_slug"], name="link_unique")
        ]
        indexes = [models.Index(fields=["target_slug"], name="link_target")]

    def __str__(self):
        return f"{self.source_id} -> {self.target_slug}"
