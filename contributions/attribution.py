"""Credits built from each version's authorship: who gets named, and for what part.

A version stores who wrote each of its words (resources/authorship.py
computes it at save, carrying words over through edits, merges, restores
and derivations). This module turns that record into the attribution of a
resource (its contributors with their edits and share of the text, the
reviewers who approved it, a ready-to-paste credit line) and into the
shares that the retribution of a call (contributions/retribution.py)
builds on. The resource page, the attribution page, the
exports and the API all read these functions, so a credit is computed one
way only.

Costs do not grow with the history: an attribution reads the words from the
one version it describes, and counts edits and approvals with one grouped
query each.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appel import licenses
from appel.models import User
from resources import authorship, files, loaders
from resources.models import Resource, ResourceVersion

from .models import Review

# Shares are given with this many decimals; the rounded shares still sum to 1.
SHARE_PLACES = 4
# A credit line names this many people, then "and N others".
CREDIT_NAMES = 10


# Shared helpers


def absolute_url(path, request=None):
    """An absolute link for credits and exports, which are read away from the site.

    From the request when there is one, else from the SITE_URL setting (for
    work done outside a request); a bare path when neither is known.
    """
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def version_date(version):
    """The day a version was saved, in the site's time zone: a credit's "date of last update"."""
    return timezone.localdate(version.created_at)


def apportion(weights, total_units):
    """Split `total_units` (an int) in proportion to `weights` ({key: int}), exactly.

    Largest remainder method: each part is within one unit of its exact
    value and the parts always sum to `total_units`, so rounded shares sum
    to 1 and amounts to the budget, to the cent. Ties go to the larger
    weight, then to the key's order in `weights`, so results are stable.
    """
    total = sum(weights.values())
    if not total or not weights:
        return {key: 0 for key in weights}
    parts, remainders = {}, []
    for index, (key, weight) in enumerate(weights.items()):
        quotient, remainder = divmod(weight * total_units, total)
        parts[key] = quotient
        remainders.append((-remainder, -weight, index, key))
    missing = total_units - sum(parts.values())
    for _remainder, _weight, _index, key in sorted(remainders)[:missing]:
        parts[key] += 1
    return parts


def rounded_shares(weights, places=SHARE_PLACES):
    """{key: share as a float with `places` decimals}, summing to 1 (within float precision)."""
    units = 10**places
    return {key: part / units for key, part in apportion(weights, units).items()}


def parse_version_number(value):
    """`?version=` from a query string, as a positive int, or None when absent.

    Raises ValidationError (400) for anything that is not a version number,
    so that "abc" is told apart from a number that does not exist (404).
    """
    if value in (None, ""):
        return None
    try:
        return loaders.parse_number(value, field="version")
    except ValueError as error:
        raise ValidationError({"version": [str(error)]}) from None


# Attribution of a resource


@dataclass(frozen=True)
class Contributor:
    user: User
    edits: int  # versions of this resource they saved, up to the credited version
    words: int  # words of the credited version they wrote
    share: float  # part of the credited version's text, rounded; parts sum to 1

    def as_dict(self):
        return {
            "username": self.user.username,
            "display_name": self.user.name,
            "edits": self.edits,
            "words": self.words,
            "share": self.share,
        }


@dataclass(frozen=True)
class Reviewer:
    user: User
    approvals: int  # versions of this resource they approved, up to the credited version

    def as_dict(self):
        return {
            "username": self.user.username,
            "display_name": self.user.name,
            "approvals": self.approvals,
        }


@dataclass(frozen=True)
class FileCredit:
    """A file the credited text shows or links to, credited to who uploaded it."""

    name: str
    revision: int
    uploader: User
    license: licenses.License
    sha256: str

    def as_dict(self):
        return {
            "name": self.name,
            "revision": self.revision,
            "uploaded_by": self.uploader.username,
            "display_name": self.uploader.name,
            "license": self.license.as_dict(),
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Attribution:
    resource: Resource
    version: ResourceVersion
    license: licenses.License
    contributors: list[Contributor]
    reviewers: list[Reviewer] = field(default_factory=list)
    derived_from: "Attribution | None" = None
    files: list[FileCredit] = field(default_factory=list)

    @property
    def author_names(self):
        return [contributor.user.name for contributor in self.contributors]

    @property
    def uploader_names(self):
        """Who uploaded the files the text uses, each once, in the order of the files."""
        return list(dict.fromkeys(credit.uploader.name for credit in self.files))

    def source_url(self, request=None):
        return absolute_url(self.resource.get_absolute_url(), request)

    def credit(self, request=None):
        """The line to paste under a reuse, in the current language.

        Names the title, the authors, the source, the license and the date of
        the version: what CC licenses and the Licence Ouverte ask a reuser to
        give (the latter asks for the date of last update).
        """
        names = self.author_names
        if len(names) > CREDIT_NAMES:
            authors = _("%(names)s and %(count)s others") % {
                "names": ", ".join(names[:CREDIT_NAMES]),
                "count": len(names) - CREDIT_NAMES,
            }
        else:
            authors = ", ".join(names) or _("anonymous")
        line = _(
            "« %(title)s », %(authors)s — %(url)s — %(license)s (%(license_url)s) — "
            "version %(number)s of %(date)s"
        ) % {
            "title": self.version.title,
            "authors": authors,
            "url": self.source_url(request),
            "license": self.license.name,
            "license_url": self.license.url,
            "number": self.version.number,
            "date": date_format(version_date(self.version), "DATE_FORMAT"),
        }
        if self.files:
            line += _(" — files by %(names)s") % {"names": ", ".join(self.uploader_names)}
        if self.derived_from is not None:
            source = self.derived_from
            line += _(" — derived from « %(title)s », %(authors)s (%(url)s)") % {
                "title": source.version.title,
                "authors": ", ".join(source.author_names) or _("anonymous"),
                "url": source.source_url(request),
            }
        return line

    def as_dict(self, request=None):
        """The attribution as the API and the exports give it (API.md, "Attribution")."""
        data = {
            "resource": self.resource.slug,
            "call": self.resource.call.slug,
            "title": self.version.title,
            "version": self.version.number,
            "date": version_date(self.version).isoformat(),
            "source": self.source_url(request),
            "license": self.license.as_dict(),
            "credit": self.credit(request),
            "contributors": [contributor.as_dict() for contributor in self.contributors],
            "reviewers": [reviewer.as_dict() for reviewer in self.reviewers],
            "files": [credit.as_dict() for credit in self.files],
            "derived_from": None,
        }
        if self.derived_from is not None:
            source = self.derived_from
            data["derived_from"] = {
                "call": source.resource.call.slug,
                "resource": source.resource.slug,
                "version": source.version.number,
                "title": source.version.title,
                "source": source.source_url(request),
                "license": source.license.as_dict(),
                "contributors": [contributor.as_dict() for contributor in source.contributors],
            }
        return data


def _license_of(resource):
    """The License of a resource; an id the catalogue lost is still named, never dropped."""
    return licenses.get(resource.license) or licenses.License(
        resource.license, resource.license, ""
    )


def attribution_for(resource, version=None, *, with_source=True) -> Attribution:
    """Who is credited for `version` of `resource` (the stable one, else the latest).

    Contributors are everyone who saved a version up to it and everyone whose
    words it holds (including the authors of the text it was derived from,
    whose words authorship carried over), ordered by share of the text.
    Shares count words; a text with no words falls back on the number of
    edits, so the shares still sum to 1. Reviewers are the people who
    approved a version up to this one, credited apart.
    """
    version = version or loaders.get_version(resource)
    words = authorship.word_counts(version.authorship)
    # The authors of communs merged into this one (resources/pooling.py) keep their credit.
    edits = dict(
        ResourceVersion.objects.filter(
            Q(resource=resource, number__lte=version.number) | Q(resource__merged_into=resource)
        )
        .order_by()
        .values_list("author_id")
        .annotate(n=Count("pk"))
    )
    approvals = dict(
        Review.objects.filter(
            version__resource=resource,
            version__number__lte=version.number,
            verdict=Review.Verdict.APPROVE,
        )
        .order_by()
        .values_list("reviewer_id")
        .annotate(n=Count("version", distinct=True))
    )
    users = User.objects.in_bulk({*words, *edits, *approvals})

    weights = dict(words) if sum(words.values()) else dict(edits)
    ordered = sorted(
        (user_id for user_id in {*words, *edits} if user_id in users),
        key=lambda uid: (-weights.get(uid, 0), -edits.get(uid, 0), users[uid].username),
    )
    shares = rounded_shares({uid: weights.get(uid, 0) for uid in ordered})
    contributors = [
        Contributor(
            user=users[uid], edits=edits.get(uid, 0), words=words.get(uid, 0), share=shares[uid]
        )
        for uid in ordered
    ]
    reviewers = sorted(
        (Reviewer(user=users[uid], approvals=n) for uid, n in approvals.items() if uid in users),
        key=lambda reviewer: (-reviewer.approvals, reviewer.user.username),
    )

    file_credits = [
        FileCredit(
            name=revision.file.name,
            revision=revision.number,
            uploader=revision.uploaded_by,
            license=licenses.get(revision.license)
            or licenses.License(revision.license, revision.license, ""),
            sha256=revision.sha256,
        )
        for revision in files.in_use(resource, version.html)
    ]
    source = None
    if with_source and resource.derived_from_id:
        origin = resource.public_source  # joined by resources.loaders, else one query
        if origin is not None:
            source = attribution_for(origin.resource, origin, with_source=False)
    return Attribution(
        resource=resource,
        version=version,
        license=_license_of(resource),
        contributors=contributors,
        reviewers=reviewers,
        derived_from=source,
        files=file_credits,
    )


def word_shares(version):
    """[(user, share)] of a version's text, largest first: the resource page's short credit.

    One query (the users); edits and reviewers are left to the attribution page.
    """
    words = authorship.word_counts(version.authorship)
    users = User.objects.in_bulk(list(words))
    words = {uid: n for uid, n in words.items() if uid in users}
    shares = rounded_shares(
        dict(sorted(words.items(), key=lambda item: (-item[1], users[item[0]].username)))
    )
    return [(users[uid], share) for uid, share in shares.items()]
