"""Every write to a resource: create, edit (with conflict detection and merge), restore.

The HTML views and the API both call these functions, so the rules live in
one place. Each save runs in one transaction that locks the resource row,
checks the editor's base version against the latest one, writes the
django-reversion snapshot and its ResourceVersion row together, and moves
the resource's `latest_version` pointer. Nothing typed is ever dropped: a
refused edit raises with the submitted text so the caller can hand it back.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from appel import audit, licenses
from appel.models import Call, Challenge, unique_slug

from . import authorship, completeness, links, pagecache, search, signals
from .diff import three_way_merge
from .models import Participation, Resource, ResourceChallenge, ResourceVersion


class CallNotOpen(Exception):
    """The call is closed, archived or still a draft: its resources are read-only."""

    def __init__(self, call):
        self.call = call
        if call.is_scheduled:
            sentence = _(
                "The call “%(title)s” opens on %(date)s: resources can be proposed from then."
            ) % {
                "title": call.title,
                "date": formats.date_format(timezone.localtime(call.opens_at), "DATETIME_FORMAT"),
            }
        else:
            sentence = _(
                "The call “%(title)s” is %(status)s: its resources can be read but not changed."
            ) % {"title": call.title, "status": str(call.phase_label).lower()}
        super().__init__(sentence)


class ResourceMerged(Exception):
    """The commun was merged into another (resources/pooling.py): its text takes no more edits."""

    def __init__(self, resource):
        self.resource = resource
        into = resource.merged_into
        super().__init__(
            _("“%(title)s” was merged into “%(into)s”: edit that commun instead.")
            % {"title": resource.title, "into": into.title if into else ""}
        )


def refuse_if_merged(resource):
    if resource.merged_into_id:
        raise ResourceMerged(resource)


class ContentTooLarge(Exception):
    def __init__(self, size):
        self.size = size
        super().__init__(
            _("The text is %(size)s bytes long; the limit is %(limit)s bytes.")
            % {"size": size, "limit": settings.MAX_CONTENT_BYTES}
        )


class EditConflict(Exception):
    """The edit overlaps changes saved since its base version; nothing was saved."""

    def __init__(self, *, latest, content, title):
        self.latest = latest
        self.content = content
        self.title = title
        super().__init__(
            _(
                "Someone saved version %(number)s while you were editing, changing the same "
                "lines as you. Nothing was saved: merge your text with theirs and save again."
            )
            % {"number": latest.number}
        )


@dataclass(frozen=True)
class EditResult:
    version: ResourceVersion
    created: bool
    merged: bool = False


# Edit summaries are stored in ResourceVersion.comment (500 characters).
MAX_COMMENT_CHARS = 500
# "new" is the path of the creation page (calls/<call>/resources/new/): a
# resource with that slug could never be reached.
RESERVED_SLUGS = frozenset({"new", "similar"})


# The lines that frame each side of a clashing passage in a conflict's
# merged draft (resources/conflicts.py), as git writes them.
START, MIDDLE, END = "<<<<<<<", "=======", ">>>>>>>"


def has_conflict_markers(text):
    """A merged draft whose clashes are not all settled still holds a start and an end line."""
    lines = text.splitlines()
    return any(line.startswith(START) for line in lines) and any(
        line.startswith(END) for line in lines
    )


def normalize(text):
    """Browsers send CRLF from textareas; store one kind of line end only."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_comment(comment):
    """A bad edit summary is refused with a sentence, not by the database."""
    if "\x00" in comment:
        raise ValidationError({"comment": [_("The summary contains a NUL character.")]})
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {
                "comment": [
                    _("The summary is limited to %(limit)s characters.")
                    % {"limit": MAX_COMMENT_CHARS}
                ]
            }
        )


def _check_text(*, content, title):
    size = len(content.encode("utf-8", "surrogatepass"))
    if size > settings.MAX_CONTENT_BYTES:
        raise ContentTooLarge(size)
    errors = {}
    if "\x00" in content:
        errors["content"] = [_("The text contains a NUL character, which cannot be stored.")]
    elif has_conflict_markers(content):
        errors["content"] = [
            _(
                "The text still holds passages marked “%(start)s” … “%(end)s”: for each, keep "
                "the side you want (or both, rewritten), delete the marker lines, then save."
            )
            % {"start": START, "end": END}
        ]
    if not title.strip():
        errors["title"] = [_("A title is required.")]
    elif "\x00" in title:
        errors["title"] = [_("The title contains a NUL character.")]
    elif len(title) > Resource._meta.get_field("title").max_length:
        errors["title"] = [_("The title is limited to 200 characters.")]
    if errors:
        raise ValidationError(errors)
    return size


def license_refusals(*, call: Call, license: str, derived_from=None) -> list[str]:
    """Why a new resource of `call` may not carry `license` ([] when it may).

    The license must be an open one the call accepts, and for a resource
    derived from `derived_from` (a version), one its source's license allows.
    """
    if reason := licenses.refusal(license):
        return [str(reason)]
    reasons = []
    if license not in call.allowed_licenses:
        reasons.append(
            _("The call “%(title)s” accepts only these licenses: %(ids)s.")
            % {"title": call.title, "ids": ", ".join(call.allowed_licenses)}
        )
    if derived_from is not None:
        allowed, reason = licenses.compatibility(derived_from.resource.license, license)
        if not allowed:
            reasons.append(str(reason))
    return reasons


def creation_refusals(*, call: Call, license: str, derived_from=None) -> list[str]:
    """Why a new resource could not go into `call` under `license` ([] when it can).

    `create_resource` decides with these rules; the derive page asks them
    first, to show the answer before anything is saved.
    """
    reasons = [] if call.is_open else [str(CallNotOpen(call))]
    return reasons + license_refusals(call=call, license=license, derived_from=derived_from)


def reusable_licenses(*, call: Call, source: ResourceVersion) -> list[str]:
    """The licenses of `call` that `source`'s license lets a resource derived from it carry."""
    return [
        lid
        for lid in call.allowed_licenses
        if not license_refusals(call=call, license=lid, derived_from=source)
    ]


def _save_version(
    *, resource, author, comment, parent, word_authors, merged=False, restored_from=None
):
    """Write the snapshot and its ResourceVersion in one revision, then move the pointer."""
    content = resource.content
    size = len(content.encode("utf-8", "surrogatepass"))
    number = parent.number + 1 if parent else 1
    resource.updated_at = timezone.now()
    if resource.pending_since is None:  # the first version since the stable one waits from now
        resource.pending_since = resource.updated_at
    resource.outline = completeness.outline(content)
    search.set_document(resource)
    with reversion.create_revision():
        resource.save()
        html = links.render(resource, content)  # saved first: a text may link to itself
        reversion.set_user(author)
        reversion.set_comment(comment)
        reversion.add_meta(
            ResourceVersion,
            resource=resource,
            number=number,
            parent_number=parent.number if parent else None,
            author=author,
            created_at=resource.updated_at,
            comment=comment,
            title=resource.title,
            size=size,
            delta=size - (parent.size if parent else 0),
            content_hash=hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest(),
            html=html,
            authorship=word_authors,
            merged=merged,
            restored_from=restored_from,
        )
    # Its id; the texts just written are not read back.
    version = ResourceVersion.objects.defer("html", "authorship").get(
        resource=resource, number=number
    )
    version.html, version.authorship = html, word_authors
    resource.latest_version = version
    resource.save(update_fields=["latest_version"])
    links.record(resource, content)
    signals.send_on_commit(
        signals.version_saved, resource_id=resource.pk, version_id=version.pk, actor_id=author.pk
    )
    return version


@transaction.atomic
def create_resource(
    *,
    call: Call,
    author,
    title: str,
    content: str,
    license: str | None = None,
    challenge: Challenge | None = None,
    challenges: list[Challenge] | None = None,
    slug: str | None = None,
    comment: str = "",
    derived_from: ResourceVersion | None = None,
) -> ResourceVersion:
    """Propose a new commun in an open call; returns its version 1.

    It answers `challenges` (défis of the call, any number), or the one
    `challenge` (the older way to say it).

    A resource derived from another version starts from that text's
    authorship, so the source's authors keep the credit for every word of
    theirs that the new text keeps, and its license must allow the reuse.
    """
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not call.is_open:
        raise CallNotOpen(call)
    content = normalize(content)
    _check_text(content=content, title=title)
    _check_comment(comment)
    license = license or call.default_license
    errors = {}
    if reasons := license_refusals(call=call, license=license, derived_from=derived_from):
        errors["license"] = reasons
    if challenges is None:
        challenges = [challenge] if challenge is not None else []
    challenges = _in_call_order(challenges)
    if any(c.call_id != call.pk for c in challenges):
        errors["challenges"] = [_("This challenge belongs to another call.")]
    if slug in RESERVED_SLUGS:
        errors["slug"] = [_("“%(slug)s” is reserved: choose another slug.") % {"slug": slug}]
    elif slug and Resource.objects.filter(call=call, slug=slug).exists():
        errors["slug"] = [_("A resource of this call already uses this slug.")]
    if errors:
        raise ValidationError(errors)

    resource = Resource(
        call=call,
        challenge=challenges[0] if challenges else None,
        slug=slug
        or unique_slug(
            Resource.objects.filter(call=call),
            title,
            fallback="commun",
            reserved=RESERVED_SLUGS,
            max_length=74,  # bases of 70 characters, as always
        ),
        title=title.strip(),
        license=license,
        content=content,
        derived_from=derived_from,
        created_by=author,
    )
    if derived_from is not None:
        word_authors = authorship.derive(
            derived_from.content, derived_from.authorship, content, author.pk
        )
    else:
        word_authors = authorship.initial(content, author.pk)
    try:
        with transaction.atomic():
            version = _save_version(
                resource=resource,
                author=author,
                comment=comment,
                parent=None,
                word_authors=word_authors,
            )
            # The creator leads the commun's team (resources/teams.py).
            Participation.objects.create(
                resource=version.resource, user=author, role=Participation.Role.LEAD
            )
            _write_challenges(version.resource, challenges)
    except IntegrityError as error:  # the same slug, taken an instant ago
        raise ValidationError(
            {"slug": [_("A resource of this call already uses this slug.")]}
        ) from error
    # Texts that linked to it "to be written" now link to it.
    links.rerender_linking_to(call=call, slug=resource.slug)
    return version


def _lock(resource):
    """Lock the resource row for the rest of the transaction, then read its latest state.

    Two statements on purpose: under READ COMMITTED, once the lock is granted
    PostgreSQL re-reads the locked row but not the rows joined to it, which
    come from the statement's older snapshot (a version saved meanwhile would
    be missing, its pointer read as NULL). The second statement sees it.
    """
    locked = Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk")
    if not list(locked):
        raise Resource.DoesNotExist
    return (
        Resource.objects.select_related("call", "latest_version", "merged_into")
        .defer("latest_version__html")  # the parent's authorship is read, its HTML never
        .get(pk=resource.pk)
    )


@transaction.atomic
def edit_resource(
    *,
    resource: Resource,
    author,
    content: str,
    base_version: int | None,
    title: str | None = None,
    comment: str = "",
) -> EditResult:
    """Save an edit made from version `base_version`.

    From the latest version: a new version. From an older one: the two edits
    are merged line by line when they do not overlap, else EditConflict and
    nothing is saved. The same text as the latest version saves nothing.
    """
    resource = _lock(resource)
    if not resource.call.is_open:
        raise CallNotOpen(resource.call)
    refuse_if_merged(resource)
    content = normalize(content)
    title = resource.title if title is None else title.strip()
    _check_text(content=content, title=title)
    _check_comment(comment)
    latest = resource.latest_version
    if base_version is None:
        raise ValidationError({"base_version": [_("The version you started from is required.")]})
    if not 1 <= base_version <= latest.number:
        raise ValidationError(
            {"base_version": [_("Version %(n)s does not exist.") % {"n": base_version}]}
        )

    merged = False
    if base_version != latest.number:
        base = ResourceVersion.objects.get(resource=resource, number=base_version)
        merged_text = three_way_merge(base.content, resource.content, content)
        title_clash = title not in (base.title, resource.title)
        if merged_text is None or (title_clash and base.title != resource.title):
            raise EditConflict(latest=latest, content=content, title=title)
        if title == base.title:
            title = resource.title  # only the other editor touched the title
        merged = merged_text != content
        content = merged_text
    if content == resource.content and title == resource.title:
        return EditResult(version=latest, created=False)

    word_authors = authorship.derive(resource.content, latest.authorship, content, author.pk)
    renamed = title != resource.title
    resource.content, resource.title = content, title
    version = _save_version(
        resource=resource,
        author=author,
        comment=comment,
        parent=latest,
        word_authors=word_authors,
        merged=merged,
    )
    if renamed:  # links to it show its title
        links.rerender_linking_to(call=resource.call, slug=resource.slug)
    return EditResult(version=version, created=True, merged=merged)


@transaction.atomic
def restore_version(*, resource: Resource, author, number: int) -> EditResult:
    """Save version `number`'s text as a new version; history is never rewritten.

    The restored words go back to the people who wrote them.
    """
    resource = _lock(resource)
    if not resource.call.is_open:
        raise CallNotOpen(resource.call)
    refuse_if_merged(resource)
    old = ResourceVersion.objects.get(resource=resource, number=number)
    latest = resource.latest_version
    content = old.content
    if content == resource.content and old.title == resource.title:
        return EditResult(version=latest, created=False)
    renamed = old.title != resource.title
    resource.content, resource.title = content, old.title
    version = _save_version(
        resource=resource,
        author=author,
        # No words: `restored_from` is the note, rendered in each reader's language.
        comment="",
        parent=latest,
        word_authors=old.authorship,
        restored_from=number,
    )
    if renamed:
        links.rerender_linking_to(call=resource.call, slug=resource.slug)
    audit.record(
        call=resource.call,
        actor=author,
        action=audit.Action.VERSION_RESTORED,
        target=resource.slug,
        restored=number,
        version=version.number,
        title=resource.title,  # the log names it as its readers know it
    )
    return EditResult(version=version, created=True)


def _in_call_order(challenges):
    """Défis without repeats, in their call's order (`Challenge.Meta.ordering`)."""
    return sorted({c.pk: c for c in challenges}.values(), key=lambda c: (c.position, c.pk))


def _first_challenges_again(sender, instance, **kwargs):
    """A défi was added, moved or deleted: each commun's `challenge` is its first one again.

    `challenge` is the first of a commun's défis in the call's order; a défi
    deleted (by the admin) or moved (`position`) can change which one that
    is, or leave it empty while others remain. Only the communs whose first
    défi changed are written.
    """
    first = (
        ResourceChallenge.objects.filter(resource=OuterRef("pk"))
        .order_by("challenge__position", "challenge_id")
        .values("challenge")[:1]
    )
    rows = (
        Resource.objects.filter(call_id=instance.call_id)
        .annotate(first=Subquery(first))
        .values_list("pk", "challenge_id", "first")
    )
    moves = defaultdict(list)
    for pk, current, wanted in rows:
        if current != wanted:
            moves[wanted].append(pk)
    for wanted, pks in moves.items():
        Resource.objects.filter(pk__in=pks).update(challenge_id=wanted)


def connect():
    """Keeps `Resource.challenge` in step with the défis (once, from `resources.apps`)."""
    post_save.connect(_first_challenges_again, sender=Challenge, dispatch_uid="first-challenge")
    post_delete.connect(
        _first_challenges_again, sender=Challenge, dispatch_uid="first-challenge-deleted"
    )


def _write_challenges(resource, challenges):
    ResourceChallenge.objects.filter(resource=resource).exclude(challenge__in=challenges).delete()
    have = set(
        ResourceChallenge.objects.filter(resource=resource).values_list("challenge_id", flat=True)
    )
    ResourceChallenge.objects.bulk_create(
        [ResourceChallenge(resource=resource, challenge=c) for c in challenges if c.pk not in have]
    )


def challenges_named(*, call: Call, slugs, field="challenges") -> list[Challenge]:
    """The défis of `call` that `slugs` name, in the call's order; a sentence for any other.

    `field` names the input in the refusal (`challenge` when a client sent one slug).
    """
    if isinstance(slugs, str) or not all(isinstance(slug, str) for slug in slugs):
        raise ValidationError({field: [_("Name the challenges as a list of slugs.")]})
    wanted = [slug for slug in dict.fromkeys(slugs) if slug]
    found = {c.slug: c for c in Challenge.objects.filter(call=call, slug__in=wanted)}
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise ValidationError(
            {
                field: [
                    _("The call “%(title)s” has no challenge “%(slug)s”.")
                    % {"title": call.title, "slug": slug}
                    for slug in unknown
                ]
            }
        )
    return _in_call_order(found.values())


def may_set_challenges(resource: Resource, user) -> bool:
    """A commun's défis are chosen by its leads and by the call's stewards."""
    if not user.is_authenticated:
        return False
    if resource.call.is_steward(user):
        return True
    return Participation.objects.filter(
        resource=resource, user=user, role=Participation.Role.LEAD
    ).exists()


@transaction.atomic
def set_challenges(*, resource: Resource, user, challenges: list[Challenge]) -> list[Challenge]:
    """Say which défis of its call `resource` answers (none, one or several); returns them.

    Its leads and the call's stewards may, while the call is open. The
    first of them, in the call's order, is its `challenge`. No version is
    written: the défis are not part of the text.
    """
    resource = _lock(resource)
    if not resource.call.is_open:
        raise CallNotOpen(resource.call)
    if not may_set_challenges(resource, user):
        raise PermissionDenied(
            _("Only the leads of this commun and the call's stewards may change its challenges.")
        )
    challenges = _in_call_order(challenges)
    if any(c.call_id != resource.call_id for c in challenges):
        raise ValidationError({"challenges": [_("This challenge belongs to another call.")]})
    _write_challenges(resource, challenges)
    first = challenges[0] if challenges else None
    if resource.challenge_id != (first.pk if first else None):
        resource.challenge = first
        resource.save(update_fields=["challenge"])
    pagecache.renew_resource_after_commit(resource.pk)
    return challenges
