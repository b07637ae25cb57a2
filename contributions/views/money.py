"""Pages of a call's money: who funds what, a commun's milestones, the ledger (docs/money.md).

Thin views over contributions/funding.py and contributions/ledger.py, which
the API calls too.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appel.loaders import get_call
from appel.models import Challenge
from appel.stewarding import CallArchived
from resources import loaders
from resources.models import Resource

from .. import funding, ledger
from ..models import Funder, LedgerEntry, Milestone
from ..money_api import csv_response

REFUSED = (ledger.LedgerRefused, funding.MilestoneRefused, CallArchived)


def _refuse(request):
    """A POST from someone who may not: the login for visitors, 403 for the others."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _add_errors(form, error):
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


# Co-funders


class FunderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=funding.MAX_NAME_CHARS)
    budget_amount = forms.DecimalField(
        label=gettext_lazy("Budget"), max_digits=14, decimal_places=2, min_value=0
    )
    challenges = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Challenges funded"),
        queryset=Challenge.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: the funder funds every challenge of the call."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = Challenge.objects.filter(call=call).order_by("title")
        self.fields["budget_amount"].help_text = _("In %(currency)s, the call's currency.") % {
            "currency": call.budget_currency
        }


def _save_funder(request, call, form, funder=None):
    """Saves the form through funding.save_funder; True when saved (errors put on the form)."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        funding.save_funder(
            call=call,
            actor=request.user,
            name=data["name"],
            budget_amount=data["budget_amount"],
            challenges=[c.slug for c in data["challenges"]],
            funder=funder,
        )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    except REFUSED as error:
        form.add_error(None, str(error))
        return False
    return True


@require_http_methods(["GET", "POST"])
def call_funders(request, call_slug):
    """Who funds what: the lead funder, then the co-funders; the stewards add them here."""
    call = get_call(request.user, call_slug, with_members=True)
    is_steward = call.is_steward(request.user)
    form = None
    if is_steward:
        form = FunderForm(request.POST if request.method == "POST" else None, call=call)
        if request.method == "POST" and _save_funder(request, call, form):
            messages.success(request, _("The co-funder is saved."))
            return redirect("contributions:call-funders", call.slug)
    elif request.method == "POST":
        return _refuse(request)
    totals = ledger.totals(call, with_people=False)["by_funder"]
    funders = list(funding.funders_of(call))
    for funder in funders:
        funder.granted = totals.get(funder.pk, {}).get("grant", 0)
        funder.paid = totals.get(funder.pk, {}).get("milestone", 0)
    lead = totals.get(None, {})
    ctx = {
        "call": call,
        "funders": funders,
        "lead": {"granted": lead.get("grant", 0), "paid": lead.get("milestone", 0)},
        "form": form,
        "status": 400 if form is not None and form.errors else 200,
    }
    return render(request, "contributions/call_funders.html", ctx, status=ctx["status"])


@require_http_methods(["GET", "POST"])
def funder_edit(request, call_slug, funder):
    """A steward changes a co-funder's name, budget or défis."""
    call = get_call(request.user, call_slug, with_members=True)
    if not call.is_steward(request.user):
        return _refuse(request)
    if not loaders.can_exist(funder):
        raise Http404
    funder = get_object_or_404(Funder.objects.prefetch_related("challenges"), call=call, pk=funder)
    initial = {
        "name": funder.name,
        "budget_amount": funder.budget_amount,
        "challenges": list(funder.challenges.all()),
    }
    form = FunderForm(
        request.POST if request.method == "POST" else None, call=call, initial=initial
    )
    if request.method == "POST" and _save_funder(request, call, form, funder):
        messages.success(request, _("The co-funder is saved."))
        return redirect("contributions:call-funders", call.slug)
    ctx = {"call": call, "funder": funder, "form": form}
    return render(
        request, "contributions/funder_edit.html", ctx, status=400 if form.errors else 200
    )


# Milestones


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    due_date = forms.DateField(
        label=gettext_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), max_digits=14, decimal_places=2, min_value=0
    )
    funder = forms.ModelChoiceField(
        label=gettext_lazy("Paid by"),
        queryset=Funder.objects.none(),
        required=False,
        empty_label=gettext_lazy("The lead funder"),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Funder.objects.filter(call=call)


def _resource(request, call_slug, resource_slug):
    call = get_call(request.user, call_slug, with_members=True)
    resource = get_object_or_404(
        Resource.objects.select_related("challenge"), call=call, slug=resource_slug
    )
    resource.call = call
    return resource


@require_http_methods(["GET", "POST"])
def resource_milestones(request, call_slug, resource_slug):
    """A commun's milestones, met or not; the stewards set them and mark them met here."""
    resource = _resource(request, call_slug, resource_slug)
    call = resource.call
    is_steward = call.is_steward(request.user)
    form = None
    if is_steward:
        form = MilestoneForm(request.POST if request.method == "POST" else None, call=call)
        if form.is_valid():
            data = form.cleaned_data
            try:
                funding.add_milestone(resource=resource, actor=request.user, **data)
            except ValidationError as error:
                _add_errors(form, error)
            except REFUSED as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The milestone is set."))
                return redirect("contributions:resource-milestones", call.slug, resource.slug)
    elif request.method == "POST":
        return _refuse(request)
    granted = ledger.totals(call, with_people=False)["by_resource"].get(resource.pk, {})
    ctx = {
        "call": call,
        "resource": resource,
        "milestones": list(funding.milestones_of(resource)),
        "granted": granted.get("grant"),
        "validated": list(
            resource.versions.filter(state="validated").order_by("-number").only("pk", "number")
        )
        if is_steward
        else [],
        "form": form,
        "is_steward": is_steward,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "contributions/resource_milestones.html", ctx, status=status)


@require_POST
def milestone_meet(request, call_slug, resource_slug, milestone):
    """A steward ties a milestone to a validated version: the payment falls due."""
    resource = _resource(request, call_slug, resource_slug)
    if not resource.call.is_steward(request.user):
        return _refuse(request)
    if not loaders.can_exist(milestone):
        raise Http404
    milestone = get_object_or_404(
        Milestone.objects.select_related("funder"), resource=resource, pk=milestone
    )
    milestone.resource = resource
    back = redirect("contributions:resource-milestones", resource.call.slug, resource.slug)
    try:
        number = loaders.parse_number(request.POST.get("version"), field=_("Version"))
    except ValueError as error:
        messages.error(request, str(error))
        return back
    version = resource.versions.filter(number=number).first()
    if version is None:
        messages.error(request, _("This commons has no such version."))
        return back
    try:
        funding.meet_milestone(milestone=milestone, version=version, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except REFUSED as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(title)s” is met by version %(number)s: the payment is due.")
            % {"title": milestone.title, "number": number},
        )
    return back


# The ledger


def _ledger_call(request, call_slug):
    call = get_call(request.user, call_slug, with_members=True)
    if not ledger.can_read(call, request.user):
        raise PermissionDenied(_("This call's ledger holds no published entry yet."))
    return call


def _filters(request):
    return {
        key: request.GET.get(key, "").strip()[:150]
        for key in ("resource", "funder", "person", "kind")
    }


@require_GET
def call_ledger(request, call_slug):
    """The call's ledger as a table, with filters, totals and a CSV download."""
    call = _ledger_call(request, call_slug)
    filters = _filters(request)
    entries = list(ledger.entries(call, **filters))
    totals = ledger.totals(call, with_people=False)
    ctx = {
        "call": call,
        "entries": entries,
        "filters": filters,
        "totals": totals,
        "kinds": LedgerEntry.Kind.choices,
        "resources": Resource.objects.filter(ledger_entries__call=call)
        .distinct()
        .order_by("title")
        .only("slug", "title"),
        "funders": Funder.objects.filter(call=call),
        "is_steward": call.is_steward(request.user),
        "csv_query": urlencode({k: v for k, v in filters.items() if v}),
    }
    return render(request, "contributions/call_ledger.html", ctx)


@require_GET
def call_ledger_csv(request, call_slug):
    """The ledger (filtered as the page) as CSV, the columns of docs/money.md."""
    call = _ledger_call(request, call_slug)
    return csv_response(call, ledger.entries(call, **_filters(request)))
