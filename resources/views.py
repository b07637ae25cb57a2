"""Web pages of resources: list, proposal, reading, editing, history, diffs, search.

What a URL names is loaded by resources/loaders.py, reads go through
resources/reading.py and every write through resources/editing.py, which
the API calls too; a view loads, asks, and explains the answer. Nothing
typed is lost: a refused edit comes back in the form, a conflicting one
with the newer text beside it to merge by hand.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from appel.conditional import call_state, conditional
from appel.loaders import get_call
from appel.markup import render_markdown
from appel.models import Call
from appel.ratelimit import (
    RateLimited,
    hit,
    identity,
    limit_posts,
    limit_requests,
    too_many_requests,
)

from . import (
    conflicts,
    editing,
    files,
    links,
    loaders,
    pagecache,
    pooling,
    reading,
    search,
    similar,
    teams,
)
from .forms import ChallengesForm, FileUploadForm, ResourceCreateForm, ResourceEditForm
from .models import Participation

LIST_PAGE_SIZE = 50
SORTS = {"recent": ("-updated_at", "-pk"), "title": ("title", "pk")}


def _read_only_reason(call):
    """Why nothing can be changed in this call (the editing module's sentence), or ""."""
    return "" if call.is_open else str(editing.CallNotOpen(call))


def _merged(request, resource):
    """A merged commun takes no edits: say so on the kept commun's page."""
    messages.warning(request, str(editing.ResourceMerged(resource)))
    return redirect(resource.merged_into)


def _read_only(request, call):
    """Say why on the next page, where the visitor is sent back to read."""
    messages.warning(request, _read_only_reason(call))


# A preview is a convenience asked while typing: it gets two seconds of rendering
# at most (beyond, the text is shown as typed; the save renders it in full).
PREVIEW_RENDER_SECONDS = 2


def _preview(request, *, call=None, resource_slug=None):
    """The posted text rendered as it would be saved; None when it is over the size limit.

    In a call, `files/NAME` and `[[slug]]` resolve as they will once saved.
    """
    content = editing.normalize(request.POST.get("content", ""))
    if len(content.encode("utf-8", "surrogatepass")) > settings.MAX_CONTENT_BYTES:
        return None
    links_of_call = None
    if call is not None:
        slug = resource_slug or request.POST.get("slug") or "new"
        if not slug_re.fullmatch(slug):
            slug = "new"
        links_of_call = links.CallLinks(call, slug, content)
    return render_markdown(
        conflicts.markers_as_text(content), links=links_of_call, seconds=PREVIEW_RENDER_SECONDS
    )


@require_GET
@conditional(call_state, whole=True)
def resource_list(request, call_slug):
    call = get_call(request.user, call_slug)
    challenges = list(call.challenges.all())
    selected = next((c for c in challenges if c.slug == request.GET.get("challenge")), None)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "recent"
    queryset = reading.resources_of(call, loaders.resources(request.user)).order_by(*SORTS[sort])
    if selected:
        queryset = queryset.filter(challenges=selected)
    q = search.clean_query(request.GET.get("q"))
    page = Paginator(search.filter_resources(queryset, q), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for resource in page:
        resource.call = call
    ctx = {
        "call": call,
        "challenges": challenges,
        "selected": selected,
        "sort": sort,
        "q": q,
        "page": page,
        "read_only": _read_only_reason(call),
    }
    return render(request, "resources/resource_list.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("edit")
def resource_create(request, call_slug):
    call = get_call(request.user, call_slug)
    if not call.is_open:
        _read_only(request, call)
        return redirect("resources:resource-list", call.slug)
    # A "to be written" link ([[slug]] in another text) comes with the title and slug to use;
    # the call's template (its "fiche commun" sections) pre-fills the text.
    initial = {key: request.GET.get(key) for key in ("title", "slug")}
    initial["challenges"] = request.GET.getlist("challenge")
    initial["content"] = call.resource_template
    form = ResourceCreateForm(request.POST or None, call=call, initial=initial)
    preview, previewing = None, request.method == "POST" and "preview" in request.POST
    if previewing:
        form = ResourceCreateForm(call=call, initial=request.POST.dict())
        preview = _preview(request, call=call)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            version = editing.create_resource(
                call=call,
                author=request.user,
                title=data["title"],
                content=data["content"],
                license=data["license"],
                challenges=list(data["challenges"]),
                slug=data["slug"] or None,
                comment=data["comment"],
            )
        except editing.CallNotOpen:
            _read_only(request, call)
            return redirect("resources:resource-list", call.slug)
        except editing.ContentTooLarge as error:
            form.add_error("content", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your resource is published as version 1."))
            return redirect(version.resource)
    ctx = {
        "call": call,
        "form": form,
        "preview": preview,
        "preview_failed": previewing and preview is None,
        # Without JS, a preview or a refused proposal shows the communs it resembles.
        "similar": similar.suggestions(call, request.POST.get("title"), request.POST.get("content"))
        if request.method == "POST"
        else [],
        "suggest_from": similar.SUGGEST_FROM,
    }
    return render(request, "resources/resource_create.html", ctx)


@require_GET
@conditional(pagecache.resource_state, whole=True)
def resource_detail(request, call_slug, resource_slug):
    """The stable text by default, as readers should see it; pending changes are one click away.

    One small query finds what the page depends on; its parts are rendered
    only when that changed (`resources.pagecache`).
    """
    state, parts = pagecache.resource_page_parts(
        request.user,
        call_slug,
        resource_slug,
        lambda: _resource_page_parts(request, call_slug, resource_slug),
        state=getattr(request, "resource_page_state", None),
    )
    if merged_into := state[-2]:
        messages.info(
            request,
            _("This commun was merged into the one below; its history stays readable at %(url)s.")
            % {"url": reverse("resources:resource-history", args=[call_slug, resource_slug])},
        )
        return redirect("resources:resource-detail", call_slug, merged_into)
    # What depends on the reader (joined? watching?) is asked outside the cached parts.
    ctx = {
        "parts": parts,
        "resource_id": state[0],
        "call_slug": call_slug,
        "resource_slug": resource_slug,
        "call_open": state[-1] == Call.Status.OPEN,
        # A draft's feeds answer 404 (feeds are read anonymously): no link to them.
        "has_feed": state[-1] != Call.Status.DRAFT,
    }
    return render(request, "resources/resource_detail.html", ctx)


def _resource_page_parts(request, call_slug, resource_slug):
    resource = loaders.get_resource(request.user, call_slug, resource_slug, with_versions=True)
    reading.attach_challenges([resource])
    latest, stable = resource.latest_version, resource.stable_version
    ctx = {
        "resource": resource,
        "call": resource.call,
        "files": list(files.files_of(resource)),
        "backlinks": list(links.backlinks(resource)),
        "version": resource.displayed_version,
        "latest": latest,
        "stable": stable,
        # Numbers run without gaps: the versions saved since the stable one.
        "waiting": latest.number - stable.number if stable else 0,
        "read_only": _read_only_reason(resource.call),
    }
    ctx["team"] = list(teams.team(resource))
    return {
        part: render_to_string(f"resources/resource_page_parts.html#{part}", ctx)
        for part in ("title", "breadcrumbs", "content", "panel")
    }


def _conflict_page(request, resource, conflict, *, comment, base_version):
    """Three ways on from a conflict: keep my text, take theirs, or edit a merged draft.

    The editor's text is kept in every one of them (in the resolution forms,
    in the draft, and as sent); the draft starts from the latest version, so
    saving it is accepted as a normal edit once its clashes are settled.
    """
    latest = conflict.latest
    base = loaders.get_version(resource, base_version)
    reading.load_contents([base, latest])
    text, clashes = conflicts.draft(
        base.content,
        latest.content,
        conflict.content,
        theirs_label=_("version %(n)s by %(name)s")
        % {"n": latest.number, "name": latest.author.name},
        mine_label=_("your text"),
    )
    form = ResourceEditForm(
        initial={
            "title": conflict.title,
            "content": text,
            "comment": comment,
            "base_version": latest.number,
        }
    )
    ctx = {
        "resource": resource,
        "call": resource.call,
        "form": form,
        "conflict": conflict,
        "latest": latest,
        "base_number": base_version,
        "clashes": clashes,
        "mine": conflict.content,
        "comment": comment,
        "markers": (editing.START, editing.MIDDLE, editing.END),
    }
    return render(request, "resources/resource_edit.html", ctx, status=409)


def _resolve(request, resource):
    """ "Keep my text" or "Take theirs", posted from the conflict page."""
    data = request.POST
    ctx = {"resource": resource, "call": resource.call}
    try:
        base_version, latest_version = (
            int(data.get("base_version")),
            int(data.get("latest_version")),
        )
    except (TypeError, ValueError):
        base_version = latest_version = None
    try:
        if base_version is None:
            raise ValidationError(_("The versions of this conflict are not valid: edit again."))
        result = conflicts.resolve_conflict(
            resource=resource,
            author=request.user,
            content=data.get("content", ""),
            title=data.get("title"),
            comment=data.get("comment", ""),
            base_version=base_version,
            latest_version=latest_version,
            side=data.get("resolution"),
        )
    except editing.EditConflict as conflict:
        return _conflict_page(
            request, resource, conflict, comment=data.get("comment", ""), base_version=base_version
        )
    except (editing.CallNotOpen, editing.ContentTooLarge, ValidationError) as error:
        # Nothing typed is lost: the text as sent comes back in the editor.
        form = ResourceEditForm({**data.dict(), "base_version": latest_version or ""})
        form.is_valid()
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        return render(request, "resources/resource_edit.html", {**ctx, "form": form}, status=400)
    return _after_edit(request, resource, result)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("edit")
def resource_edit(request, call_slug, resource_slug):
    resource = loaders.get_resource(request.user, call_slug, resource_slug, with_content=True)
    if resource.merged_into_id:
        return _merged(request, resource)
    if not resource.call.is_open and request.method == "GET":
        _read_only(request, resource.call)
        return redirect(resource)
    # A POST goes on even to a call closed meanwhile: editing refuses it, and
    # the page gives the text back with the reason.
    latest = resource.latest_version
    if request.POST.get("resolution") in (conflicts.MINE, conflicts.THEIRS):
        return _resolve(request, resource)
    preview, previewing = None, "preview" in request.POST
    uploading = "upload" in request.POST
    upload_form = FileUploadForm(request.POST or None, request.FILES or None, resource=resource)
    if request.method == "POST" and request.FILES:
        # A file sent with the text is uploaded first; if it is refused, the text waits.
        try:
            hit("upload", identity(request))
        except RateLimited as error:
            return too_many_requests(request, error)
        if _upload(request, resource, upload_form) is None:
            uploading = True
    elif uploading:
        upload_form.add_error("file", _("Choose a file to upload."))
    if request.method == "GET":
        form = ResourceEditForm(
            initial={
                "title": resource.title,
                "content": resource.content,
                "base_version": latest.number,
            }
        )
    elif previewing or uploading:
        form = ResourceEditForm(initial=request.POST.dict())
        if previewing:
            preview = _preview(request, call=resource.call, resource_slug=resource.slug)
    else:
        form = ResourceEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = editing.edit_resource(
                    resource=resource,
                    author=request.user,
                    content=data["content"],
                    base_version=data["base_version"],
                    title=data["title"],
                    comment=data["comment"],
                )
            except editing.EditConflict as conflict:
                return _conflict_page(
                    request,
                    resource,
                    conflict,
                    comment=data["comment"],
                    base_version=data["base_version"],
                )
            except editing.CallNotOpen as error:
                # Closed while they typed: the text stays in the form, with why.
                form.add_error(None, str(error))
            except editing.ContentTooLarge as error:
                form.add_error("content", str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _after_edit(request, resource, result)
    ctx = {
        "resource": resource,
        "call": resource.call,
        "form": form,
        # A refused file keeps its fields; after an upload, they are empty for the next file.
        "upload_form": upload_form if upload_form.errors else FileUploadForm(resource=resource),
        "files": list(files.files_of(resource)),
        # Text typed but not saved yet (an upload or a preview came back): warn before leaving.
        "dirty": request.method == "POST",
        "preview": preview,
        "preview_failed": previewing and preview is None,
        "may_set_challenges": editing.may_set_challenges(resource, request.user),
        "is_steward": resource.call.is_steward(request.user),
    }
    status = 400 if upload_form.errors else 200
    return render(request, "resources/resource_edit.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("edit")
def resource_challenges(request, call_slug, resource_slug):
    """The défis a commun answers: its leads and the call's stewards change them."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    if not editing.may_set_challenges(resource, request.user):
        raise PermissionDenied(
            _("Only the leads of this commun and the call's stewards may change its challenges.")
        )
    if not resource.call.is_open:
        _read_only(request, resource.call)
        return redirect(resource)
    reading.attach_challenges([resource])
    initial = {"challenges": resource.answered}
    form = ChallengesForm(request.POST or None, call=resource.call, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = list(form.cleaned_data["challenges"])
            editing.set_challenges(resource=resource, user=request.user, challenges=chosen)
        except editing.CallNotOpen as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The challenges of this resource are saved."))
            return redirect(resource)
    ctx = {"resource": resource, "call": resource.call, "form": form}
    return render(request, "resources/resource_challenges.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("edit")
def resource_merge(request, call_slug, resource_slug):
    """Stewards merge this commun into another of the call, after a page saying what follows."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    if not resource.call.is_steward(request.user):
        raise PermissionDenied(_("Only the call's stewards merge communs."))
    others = reading.resources_of(resource.call, loaders.resources(request.user)).filter(
        merged_into__isnull=True
    )
    others = list(others.exclude(pk=resource.pk))
    error = None
    if request.method == "POST":
        into = next((r for r in others if r.slug == request.POST.get("into")), None)
        if into is None:
            error = _("Choose the commun to keep.")
        else:
            try:
                pooling.merge_resource(resource=resource, into=into, actor=request.user)
            except (pooling.MergeRefused, editing.CallNotOpen) as refusal:
                error = str(refusal)
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is merged into this commun.") % {"title": resource.title},
                )
                return redirect(into)
    ctx = {"resource": resource, "call": resource.call, "others": others, "error": error}
    return render(request, "resources/resource_merge.html", ctx, status=400 if error else 200)


def _upload(request, resource, form):
    """Upload the form's file through resources/files.py; the revision, or None with form errors."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    if not data["file"]:
        form.add_error("file", _("Choose a file to upload."))
        return None
    try:
        revision = files.upload_file(
            resource=resource,
            uploader=request.user,
            upload=data["file"],
            name=data["name"] or None,
            license=data["license"] or None,
        )
    except (files.FileRefused, files.FileTooLarge, files.QuotaExceeded) as error:
        form.add_error("file", str(error))
        return None
    except editing.CallNotOpen as error:
        form.add_error(None, str(error))
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    messages.success(
        request,
        _("File “%(name)s” uploaded (revision %(n)s). Show it in the text with %(snippet)s.")
        % {
            "name": revision.file.name,
            "n": revision.number,
            "snippet": f"![…](files/{revision.file.name})"
            if revision.is_image
            else f"[…](files/{revision.file.name})",
        },
    )
    return revision


def _after_edit(request, resource, result):
    number = result.version.number
    if not result.created:
        messages.info(
            request, _("No change: the text is the same as version %(n)s.") % {"n": number}
        )
        return redirect(resource)
    if result.merged:
        messages.success(
            request,
            _(
                "Saved as version %(n)s, merged with changes others saved meanwhile "
                "in other parts of the text."
            )
            % {"n": number},
        )
    else:
        messages.success(request, _("Saved as version %(n)s.") % {"n": number})
    result.version.resource = resource
    return redirect(result.version)


@require_GET
@conditional(pagecache.resource_state)
def resource_history(request, call_slug, resource_slug):
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    page = reading.history_paginator(resource).get_page(request.GET.get("page"))
    ctx = {
        "resource": resource,
        "call": resource.call,
        "page": page,
        # Beside the text's versions: the latest files uploaded, newest first.
        "uploads": list(files.uploads_of(resource)),
        # Preselected for comparison: the newest version of the page and its parent.
        "default_from": page[0].number - 1 if page else None,
        "can_restore": request.user.is_authenticated and resource.call.is_open,
        "read_only": _read_only_reason(resource.call),
    }
    return render(request, "resources/resource_history.html", ctx)


@require_GET
@conditional(pagecache.resource_state)
def version_detail(request, call_slug, resource_slug, number):
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    version = loaders.get_version(resource, number)
    ctx = {
        "resource": resource,
        "call": resource.call,
        "version": version,
        "can_restore": request.user.is_authenticated and resource.call.is_open,
        "read_only": _read_only_reason(resource.call),
    }
    return render(request, "resources/version_detail.html", ctx)


def _number(request, key, label, default, errors):
    raw = request.GET.get(key, "").strip()
    if not raw:
        return default
    try:
        return loaders.parse_number(raw, field=label)
    except ValueError as error:
        errors.append(str(error))
        return None


@require_GET
@limit_requests("api")
@conditional(pagecache.resource_state)
def resource_diff(request, call_slug, resource_slug):
    """Two versions word by word; without numbers, the latest against its parent."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    latest = resource.latest_version.number
    errors = []
    new = _number(request, "to", _("The “to” version"), latest, errors)
    old = _number(request, "from", _("The “from” version"), max((new or latest) - 1, 1), errors)
    ctx = {
        "resource": resource,
        "call": resource.call,
        "latest": latest,
        "errors": errors,
        # What was typed, shown back in the form next to the error.
        "raw_from": request.GET.get("from", ""),
        "raw_to": request.GET.get("to", ""),
        "side_by_side": request.GET.get("view") == "side",
    }
    if errors:
        return render(request, "resources/resource_diff.html", ctx, status=400)
    old, new, changes = reading.compare(resource, old, new)
    ctx.update({"old": old, "new": new, "changes": changes})
    return render(request, "resources/resource_diff.html", ctx)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("edit")
def version_restore(request, call_slug, resource_slug, number):
    """Restoring adds a version with the old text, after a page saying so; history stays."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    old = loaders.get_version(resource, number, with_heavy_columns=False)
    if resource.merged_into_id:
        return _merged(request, resource)
    if not resource.call.is_open:
        _read_only(request, resource.call)
        return redirect(resource)
    if request.method == "GET":
        latest = resource.latest_version.number
        ctx = {
            "call": resource.call,
            "heading": _("Restore version %(n)s of “%(title)s”?")
            % {"n": number, "title": resource.title},
            "consequences": [
                _("A new version %(new)s is saved with the text of version %(n)s, by you.")
                % {"new": latest + 1, "n": number},
                _("Versions %(n)s to %(latest)s stay in the history, nothing is deleted.")
                % {"n": old.number, "latest": latest},
                _("The new version waits for review like any edit."),
            ],
            "irreversible": _("To undo it, restore version %(latest)s the same way.")
            % {"latest": latest},
            "button": _("Restore version %(n)s") % {"n": number},
            "danger": False,
            "hidden": {},
            "cancel_url": reverse(
                "resources:resource-history", args=[resource.call.slug, resource.slug]
            ),
            "cancel_label": _("Cancel, keep the current text"),
        }
        return render(request, "confirm.html", ctx)
    try:
        result = editing.restore_version(resource=resource, author=request.user, number=number)
    except editing.CallNotOpen:
        _read_only(request, resource.call)
        return redirect(resource)
    if not result.created:
        messages.info(
            request,
            _("Version %(n)s already holds the current text: nothing to restore.") % {"n": number},
        )
        return redirect("resources:resource-history", resource.call.slug, resource.slug)
    messages.success(
        request,
        _("Version %(old)s restored as version %(new)s.")
        % {"old": number, "new": result.version.number},
    )
    result.version.resource = resource
    return redirect(result.version)


@require_POST
@limit_posts("preview")
def markdown_preview(request):
    """The live preview of the editor: the renderer of the save, so what you see is what is kept.

    Signed-in editors only (it spends server time); the answer is a sanitized
    fragment the editor script puts in place.
    """
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Log in to preview a text."))
    call = resource_slug = None
    call_slug, slug = request.POST.get("call", ""), request.POST.get("resource", "")
    if slug_re.fullmatch(call_slug):
        if slug_re.fullmatch(slug):
            resource = loaders.get_resource(request.user, call_slug, slug)
            call, resource_slug = resource.call, resource.slug
        else:
            call = get_call(request.user, call_slug)
    html = _preview(request, call=call, resource_slug=resource_slug)
    if html is None:
        return HttpResponse(
            _("The text is over the size limit: no preview."),
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_GET
def search_page(request):
    results = search.search(
        user=request.user,
        q=request.GET.get("q", ""),
        resource_queryset=loaders.resources(request.user),
        page=request.GET.get("page", 1),
    )
    return render(request, "resources/search.html", {"results": results})


@require_GET
def resource_team(request, call_slug, resource_slug):
    """The team of a commun; its leads name other leads here."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    ctx = {
        "resource": resource,
        "call": resource.call,
        "team": list(teams.team(resource)),
        "is_lead": teams.role_of(resource, request.user) == Participation.Role.LEAD,
        "read_only": _read_only_reason(resource.call),
    }
    return render(request, "resources/resource_team.html", ctx)


@require_POST
@login_required
@limit_posts("edit")
def resource_join(request, call_slug, resource_slug):
    """Join the commun's team, leave it (`leave=1`), or, as a lead, name a lead (`promote`)."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    try:
        if username := request.POST.get("promote"):
            member = teams.team(resource).filter(user__username=username).first()
            if member is None:
                raise Http404(_("This person is not in the team."))
            teams.promote(resource=resource, user=member.user, actor=request.user)
            messages.success(
                request, _("%(name)s leads this commun too.") % {"name": member.user.name}
            )
            return redirect("resources:resource-team", resource.call.slug, resource.slug)
        elif request.POST.get("leave") == "1":
            if teams.leave(resource=resource, user=request.user):
                messages.success(request, _("You left the team of this commun."))
        else:
            _participation, created = teams.join(resource=resource, user=request.user)
            if created:
                messages.success(
                    request, _("You joined this commun: you will be told of what happens in it.")
                )
    except editing.CallNotOpen:
        _read_only(request, resource.call)
    except teams.LastLead as error:
        messages.error(request, str(error))
    return redirect(resource)


def file_list(request, call_slug, resource_slug):
    """Every file of a resource with all its revisions, licenses and uploaders."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    found = list(files.files_of(resource))
    revisions = {}
    for revision in files.revisions_in(found):
        revisions.setdefault(revision.file_id, []).append(revision)
    for file in found:
        file.resource = resource
        file.all_revisions = revisions.get(file.pk, [])
    ctx = {
        "resource": resource,
        "call": resource.call,
        "files": found,
        "can_upload": resource.call.is_open,
    }
    return render(request, "resources/file_list.html", ctx)


@require_safe
def file_download(request, call_slug, resource_slug, name):
    """The bytes of a file (`?revision=N` for an older one), with the headers of files.serve."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    file = files.get_file(resource, name)
    return files.serve(request, files.get_revision(file, request.GET.get("revision")))


@require_safe
def file_thumbnail(request, call_slug, resource_slug, name):
    """A small WebP of an image, made once at upload."""
    resource = loaders.get_resource(request.user, call_slug, resource_slug)
    revision = files.get_revision(files.get_file(resource, name), request.GET.get("revision"))
    if not revision.has_thumbnail:
        raise Http404(_("This file has no thumbnail: it is not an image."))
    return files.serve(request, revision, thumbnail=True)
