"""Credit pages: attribution, "who wrote this", exports and citations, reuse.

Credits and shares come from contributions/attribution.py and the files
from contributions/exports.py, which the API serves too; these views load
what the URL names, ask those modules, and show or send the answer.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from appel import licenses
from appel.conditional import call_state, conditional
from appel.loaders import get_call
from appel.models import Call
from appel.ratelimit import limit_posts, limit_requests
from resources import authorship, editing, loaders, pagecache

from .. import attribution, exports


def _resource(request, call_slug, resource_slug):
    """The resource if its call is visible to the visitor, with both versions and its source."""
    return loaders.get_resource(
        request.user, call_slug, resource_slug, with_versions=True, with_source=True
    )


def _version(request, resource, number=None):
    """The version a page is about: `number`, else `?version=`, else the stable one.

    A `?version=` that is not a number is a version this resource does not
    have: 404, as for a number it never reached.
    """
    if number is None:
        try:
            number = attribution.parse_version_number(request.GET.get("version"))
        except ValidationError:
            raise Http404(_("This resource has no such version.")) from None
    return loaders.get_version(resource, number)


def _bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@require_GET
@conditional(pagecache.resource_state)
def resource_attribution(request, call_slug, resource_slug):
    """Who to credit, how much of the text is theirs, and the line to paste under a reuse."""
    resource = _resource(request, call_slug, resource_slug)
    credit = attribution.attribution_for(resource, _version(request, resource))
    return render(
        request,
        "contributions/attribution.html",
        {
            "resource": resource,
            "call": resource.call,
            "credit": credit,
            "credit_line": credit.credit(request),
        },
    )


@require_GET
@conditional(pagecache.resource_state)
def version_authors(request, call_slug, resource_slug, number):
    """The text of one version, each passage labelled with who wrote it (not by colour alone)."""
    resource = _resource(request, call_slug, resource_slug)
    version = _version(request, resource, number)
    credit = attribution.attribution_for(resource, version)
    # Everyone credited gets a number for the legend, in the attribution's order.
    legend = {
        contributor.user.pk: index for index, contributor in enumerate(credit.contributors, 1)
    }
    names = {contributor.user.pk: contributor.user.name for contributor in credit.contributors}
    passages = [
        {"text": text, "number": legend.get(user_id), "name": names.get(user_id)}
        for user_id, text in authorship.passages(version.content, version.authorship)
    ]
    return render(
        request,
        "contributions/authors.html",
        {
            "resource": resource,
            "call": resource.call,
            "version": version,
            "credit": credit,
            "passages": passages,
        },
    )


def _export(request, call_slug, resource_slug, export_format):
    resource = _resource(request, call_slug, resource_slug)
    try:
        export_format = exports.parse_format(export_format)
        number = attribution.parse_version_number(request.GET.get("version"))
    except ValidationError as error:
        return _bad_request(" ".join(" ".join(m) for m in error.message_dict.values()))
    version = loaders.get_version(resource, number)
    return exports.export_response(resource, version, export_format, request=request)


@require_GET
@conditional(pagecache.resource_state)
def resource_export(request, call_slug, resource_slug):
    """`?format=md|html|json` (Markdown by default) of the stable version, or `?version=N`."""
    return _export(request, call_slug, resource_slug, request.GET.get("format"))


@require_GET
@conditional(pagecache.resource_state)
def resource_cite_cff(request, call_slug, resource_slug):
    return _export(request, call_slug, resource_slug, "cff")


@require_GET
@conditional(pagecache.resource_state)
def resource_cite_bib(request, call_slug, resource_slug):
    return _export(request, call_slug, resource_slug, "bib")


# Reuse


class DeriveCheckForm(forms.Form):
    """Where the new resource goes and under which license: checked before anything is saved."""

    call = forms.ModelChoiceField(
        label=gettext_lazy("Call that will hold the new resource"),
        queryset=Call.objects.open().order_by("title"),
        to_field_name="slug",
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy(
                "This call is not open: a new resource can only go into an open call."
            )
        },
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )
    license = forms.ChoiceField(
        label=gettext_lazy("License of the new resource"),
        choices=licenses.choices,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )


class DeriveForm(DeriveCheckForm):
    title = forms.CharField(label=gettext_lazy("Title of the new resource"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The checked choices travel hidden: to change them, check again above.
        for name in ("call", "license"):
            self.fields[name].widget = forms.HiddenInput()


def _default_target(source, calls):
    """The call and license a reuse most likely wants: the source's own when they allow it."""
    call = next((c for c in calls if c.pk == source.resource.call_id), calls[0] if calls else None)
    if call is None:
        return None, source.resource.license
    usable = editing.reusable_licenses(call=call, source=source)
    license = source.resource.license if source.resource.license in usable else None
    return call, license or (usable[0] if usable else call.default_license)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("edit")
def resource_derive(request, call_slug, resource_slug):
    """Start a new resource from a version of this one, keeping its authors' credit.

    A GET with `?call=&license=` shows whether the reuse is allowed before
    anything is saved; the POST goes through editing.create_resource, which
    enforces the same rules and credits the source's authors word by word.
    """
    resource = _resource(request, call_slug, resource_slug)
    data = request.POST if request.method == "POST" else request.GET
    source = _version(request, resource, _number(data))
    check, target, license = _target(source, data)
    refusals = (
        editing.creation_refusals(call=target, license=license, derived_from=source)
        if target
        else []
    )
    # A title typed before a recheck or a refusal travels along: nothing typed is lost.
    title = data.get("title") or source.title
    initial = {"call": getattr(target, "slug", ""), "license": license, "title": title}
    form = DeriveForm(request.POST or None, initial={**initial, "version": source.number})
    if request.method == "POST" and form.is_valid() and not refusals:
        created = _create(request, form, source)
        if created is not None:
            messages.success(
                request, _("The new resource was created; the source's authors keep their credit.")
            )
            return redirect(created.resource.get_absolute_url())
    context = {
        "resource": resource,
        "call": resource.call,
        "source": source,
        "check": check,
        "form": form,
        "target": target,
        "license": licenses.get(license),
        "refusals": refusals,
        "title": form["title"].value(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "contributions/derive.html", context, status=status)


def _target(source, data):
    """(check form, call, license) from the query or the posted form, else sensible defaults."""
    check = DeriveCheckForm(data if "call" in data else None)
    if check.is_bound and check.is_valid():
        return check, check.cleaned_data["call"], check.cleaned_data["license"]
    target, license = _default_target(source, list(check.fields["call"].queryset))
    if not check.is_bound:
        check = DeriveCheckForm(initial={"call": target, "license": license})
    return check, target, license


def _create(request, form, source):
    """The new resource's first version, or None with the refusal put on the form."""
    try:
        return editing.create_resource(
            call=form.cleaned_data["call"],
            author=request.user,
            title=form.cleaned_data["title"],
            content=source.content,
            license=form.cleaned_data["license"],
            derived_from=source,
            # Stored data, not interface text: the same words whatever the editor's language.
            comment=f"Derived from {source.resource.call.slug}/{source.resource.slug} "
            f"version {source.number}",
        )
    except editing.CallNotOpen as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field == "title" else None, field_messages)
    return None


def _number(data):
    try:
        return attribution.parse_version_number(data.get("version"))
    except ValidationError:
        raise Http404(_("This resource has no such version.")) from None


# A whole call


@require_GET
@limit_requests("api")
@conditional(call_state)
def call_export(request, call_slug):
    """A page to download the call as a zip; `?download=1` streams it (nothing held in memory)."""
    call = get_call(request.user, call_slug, with_members=True)
    if request.GET.get("download"):
        return exports.call_archive_response(call, request=request)
    stats = Call.objects.with_stats().get(pk=call.pk).stats
    return render(request, "contributions/export_call.html", {"call": call, "stats": stats})
