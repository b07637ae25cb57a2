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
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from appel.conditional import call_state, conditional
from appel.loaders import get_call
from appel.ratelimit import limit_posts
from resources import loaders, reading
from resources.diff import word_diff
from resources.models import ResourceVersion

from .. import reviewing
from ..models import Review

QUEUE_PAGE_SIZE = 50


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


def _version(request, call_slug, resource_slug, number):
    """The version and what its page shows about the resource, in one query after the call."""
    call = get_call(request.user, call_slug, with_members=True)
    # The version's authorship is read: refusal() checks who wrote the words that changed.
    queryset = ResourceVersion.objects.select_related(
        "author",
        "resource__challenge",
        "resource__latest_version",
        "resource__stable_version",
    ).defer(
        "resource__content",
        "resource__search_document",
        *loaders.heavy_columns("resource__latest_version__", "resource__stable_version__"),
    )
    return loaders.get_version_of_call(call, resource_slug, number, queryset=queryset)


@require_GET
@conditional(call_state, whole=True)
def review_queue(request, call_slug):
    """Longest waiting first, so that no resource is left behind by the busy ones."""
    call = get_call(request.user, call_slug, with_members=True)
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


def _next_for(request, version):
    """The next resource of the queue for this reviewer (a query for reviewers only)."""
    call = version.resource.call
    if not call.can_review(request.user):
        return None
    return reviewing.next_in_queue(call=call, user=request.user, after=version.resource)


def _next_in_queue(request, version):
    """After a review, on to the next resource waiting; the queue when none is left."""
    call = version.resource.call
    recorded = _("Your review of version %(n)s of “%(title)s” is recorded.") % {
        "n": version.number,
        "title": version.resource.title,
    }
    following = _next_for(request, version)
    if following is None:
        done = _("Nothing else waits for your review here.")
        messages.success(request, f"{recorded} {done}")
        return redirect("contributions:review-queue", call.slug)
    on = _("Next in the queue: “%(title)s”.") % {"title": following.title}
    messages.success(request, f"{recorded} {on}")
    return redirect(
        "contributions:version-review", call.slug, following.slug, following.latest_version.number
    )


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts("review")
def version_review(request, call_slug, resource_slug, number):
    """Shows what changed since the last validated version; reviewers record a verdict."""
    version = _version(request, call_slug, resource_slug, number)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = _record(request, version, form) if form.is_valid() else 400
        if status is None:
            return _next_in_queue(request, version)

    base = reviewing.review_base(version)
    requested, requests = reviewing.change_request_before(version)
    reading.load_contents([v for v in (base, requested, version) if v])
    reviews = list(reviewing.reviews_of(version))
    ctx = {
        "call": version.resource.call,
        "resource": version.resource,
        "version": version,
        "base": base,
        "changes": word_diff(base.content if base else "", version.content),
        # A follow-up to a request for changes: the request, and what changed since.
        "requested": requested,
        "requests": requests,
        "changes_since_request": word_diff(requested.content, version.content) if requested else [],
        "next_resource": _next_for(request, version),
        "reviews": reviews,
        "approvals": reviewing.approval_count(reviews),
        "refusal": reviewing.refusal(version=version, user=request.user),
        "archived": reviewing.read_only(version.resource.call) is not None,
        "form": form,
    }
    return render(request, "contributions/review_version.html", ctx, status=status)
