"""Review pages: a call's review queue, and the review of one version.

The rules (who may review, what a verdict changes) live in
contributions/reviewing.py, which the API calls too; these views load, ask
it, and explain its answer.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from appel.models import Call, Membership
from appel.ratelimit import limit_posts
from resources import reading
from resources.diff import word_diff
from resources.models import ResourceVersion

from .. import reviewing
from ..models import Review

QUEUE_PAGE_SIZE = 50
# What the review page never reads of the resource's version pointers.
BULK = ("html", "authorship")


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=gettext_lazy("Your verdict"), choices=Review.Verdict.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=reviewing.MAX_COMMENT_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Markdown. Say what is good, and what should change and why."),
    )


def _call(request, slug):
    """The call if the visitor may see it (drafts are their stewards'), with its roles."""
    memberships = Prefetch("memberships", Membership.objects.select_related("user"))
    calls = Call.objects.visible_to(request.user).prefetch_related(memberships)
    return get_object_or_404(calls, slug=slug)


def _version(request, call_slug, resource_slug, number):
    """The version and what its page shows about the resource, in one query after the call."""
    call = _call(request, call_slug)
    if not 1 <= number <= reading.MAX_NUMBER:
        raise Http404(_("This resource has no version %(number)s.") % {"number": number})
    pointers = [f"resource__{p}_version__{f}" for p in ("latest", "stable") for f in BULK]
    version = get_object_or_404(
        ResourceVersion.objects.select_related(
            "author",
            "resource__challenge",
            "resource__latest_version",
            "resource__stable_version",
        ).defer("authorship", "resource__content", "resource__search_document", *pointers),
        resource__call=call,
        resource__slug=resource_slug,
        number=number,
    )
    version.resource.call = call
    return version


@require_GET
def review_queue(request, call):
    """Longest waiting first, so that no resource is left behind by the busy ones."""
    call = _call(request, call)
    page = Paginator(reviewing.review_queue(call), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for resource in page:
        resource.call = call  # its completeness reads the call's required sections
    return render(request, "contributions/review_queue.html", {"call": call, "page": page})


def _record(request, version, form):
    """Record the posted verdict; the status code of the page to show when it is refused."""
    try:
        reviewing.record_review(
            version=version,
            reviewer=request.user,
            verdict=form.cleaned_data["verdict"],
            comment=form.cleaned_data["comment"],
        )
    except reviewing.ReviewNotAllowed as refused:
        messages.error(request, str(refused))
        return 403
    except reviewing.ReadOnlyCall as refused:
        messages.error(request, str(refused))
        return 409
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return 400
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("review")
def version_review(request, call, resource, number):
    """Shows what changed since the last validated version; reviewers record a verdict."""
    version = _version(request, call, resource, number)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = _record(request, version, form) if form.is_valid() else 400
        if status is None:
            messages.success(
                request, _("Your review of version %(n)s is recorded.") % {"n": version.number}
            )
            return redirect(
                "contributions:version-review",
                version.resource.call.slug,
                version.resource.slug,
                version.number,
            )

    base = reviewing.review_base(version)
    reading.load_contents([base, version] if base else [version])
    reviews = list(version.reviews.select_related("reviewer"))
    approvals = {r.reviewer_id for r in reviews if r.verdict == Review.Verdict.APPROVE}
    ctx = {
        "call": version.resource.call,
        "resource": version.resource,
        "version": version,
        "base": base,
        "changes": word_diff(base.content if base else "", version.content),
        "reviews": reviews,
        "approvals": len(approvals),
        "refusal": reviewing.refusal(version=version, user=request.user),
        "archived": version.resource.call.status == Call.Status.ARCHIVED,
        "form": form,
    }
    return render(request, "contributions/review_version.html", ctx, status=status)
