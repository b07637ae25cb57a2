"""Retribution pages: the call's suggestion, a commun's split with its weights, recording it.

The rules and figures live in contributions/retribution.py, which the API
calls too; these views load what the URL names, ask it, and show the answer.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from appel.loaders import get_call
from appel.models import User
from appel.stewarding import CallArchived
from resources import loaders

from .. import ledger, retribution


class ReviewersShareForm(forms.Form):
    reviewers_share = forms.CharField(
        label=gettext_lazy("Reviewers' share (%)"),
        max_length=10,
        help_text=gettext_lazy(
            "Part of each commons' envelope for the people who approved its versions, 0 to 100."
        ),
    )


class WeightForm(forms.Form):
    user = forms.ChoiceField(label=gettext_lazy("Person"))
    weight = forms.CharField(
        label=gettext_lazy("Weight"),
        max_length=10,
        help_text=gettext_lazy("1 counts the person's work as it is; 0 to 100, e.g. 1.5 or 0.5."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown to everyone with the weight, and kept in its history."),
    )

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(part.user.username, part.user.name) for part in parts]


def _steward_call(request, call_slug):
    """The call, if the user steers it: (call, None), else (None, a login redirect) or 403."""
    call = get_call(request.user, call_slug, with_members=True)
    if call.is_steward(request.user):
        return call, None
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    raise PermissionDenied(_("Only the stewards of the call share its money."))


# The call's page


@require_http_methods(["GET", "POST"])
def call_retribution(request, call_slug):
    """How the money would be shared; stewards see it first and publish it for everyone."""
    call = get_call(request.user, call_slug, with_members=True)
    if request.method == "POST":
        return _call_post(request, call)
    if not retribution.may_see_retribution(call, request.user):
        raise PermissionDenied(
            _("The stewards of this call have not published its retribution yet.")
        )
    return _call_page(request, call)


def _call_page(request, call, share_form=None, status=200):
    report = retribution.retribution_for(call)
    is_steward = call.is_steward(request.user)
    if is_steward and share_form is None:
        share_form = ReviewersShareForm(initial={"reviewers_share": report.reviewers_share})
    return render(
        request,
        "contributions/retribution.html",
        {
            "call": call,
            "report": report,
            "is_steward": is_steward,
            "share_form": share_form,
            "total": sum((payout.amount for payout in report.payouts), 0),
        },
        status=status,
    )


def _call_post(request, call):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    retribution.check_steward(call=call, actor=request.user)
    action = request.POST.get("action")
    try:
        if action == "reviewers-share":
            form = ReviewersShareForm(request.POST)
            if not form.is_valid():
                return _call_page(request, call, share_form=form, status=400)
            try:
                retribution.set_reviewers_share(
                    call=call, actor=request.user, percent=form.cleaned_data["reviewers_share"]
                )
            except ValidationError as error:
                form.add_error("reviewers_share", error.message_dict["reviewers_share"])
                return _call_page(request, call, share_form=form, status=400)
            messages.success(request, _("The reviewers' share is saved."))
        else:
            publish = action != "withdraw"
            retribution.publish_retribution(call=call, actor=request.user, published=publish)
            if publish:
                messages.success(
                    request, _("The retribution is published: anyone can now read it.")
                )
            else:
                messages.success(
                    request, _("The retribution is withdrawn: only stewards can read it.")
                )
    except CallArchived as error:
        messages.error(request, str(error))
    return redirect("contributions:call-retribution", call.slug)


# A commun's split


@require_http_methods(["GET", "POST"])
def commun_retribution(request, call_slug, resource_slug):
    """A commun's suggested split, who counts for what, and the weights the stewards give."""
    call, refusal = _steward_call(request, call_slug)
    if refusal:
        return refusal
    resource = loaders.get_resource(request.user, call.slug, resource_slug)
    resource.call = call
    suggestion = retribution.suggest(call)
    split = suggestion.commun(resource)
    parts = split.parts if split else []
    form = WeightForm(parts=parts)
    status = 200
    if request.method == "POST":
        form = WeightForm(request.POST, parts=parts)
        if form.is_valid():
            try:
                retribution.set_weight(
                    resource=resource,
                    user=User.objects.get(username=form.cleaned_data["user"]),
                    actor=request.user,
                    weight=form.cleaned_data["weight"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except CallArchived as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The weight is saved; the split below counts it."))
                return redirect("contributions:commun-retribution", call.slug, resource.slug)
        status = 400
    return render(
        request,
        "contributions/retribution_commun.html",
        {
            "call": call,
            "resource": resource,
            "split": split,
            "suggestion": suggestion,
            "form": form,
            "history": retribution.weight_history(resource),
            "recorded": retribution.recorded_split(resource),
        },
        status=status,
    )


class RecordForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=5000)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Required when a split is already recorded: the new one amends it, and the ledger "
            "shows why."
        ),
    )


@require_http_methods(["GET", "POST"])
def commun_split_record(request, call_slug, resource_slug):
    """ "Record this split of X for commun Y?": the confirmation, then a `split` ledger entry."""
    call, refusal = _steward_call(request, call_slug)
    if refusal:
        return refusal
    resource = loaders.get_resource(request.user, call.slug, resource_slug)
    resource.call = call
    split = retribution.suggest(call).commun(resource)
    recorded = retribution.recorded_split(resource)
    form = RecordForm(initial={"fingerprint": split.fingerprint() if split else ""})
    status = 200
    if request.method == "POST":
        form = RecordForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                retribution.record_split(
                    resource=resource,
                    actor=request.user,
                    fingerprint=form.cleaned_data["fingerprint"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except (retribution.FiguresMoved, ledger.LedgerRefused, CallArchived) as error:
                messages.error(request, str(error))
                return redirect("contributions:commun-retribution", call.slug, resource.slug)
            else:
                messages.success(request, _("The split is recorded in the ledger."))
                return redirect("contributions:commun-retribution", call.slug, resource.slug)
    return render(
        request,
        "contributions/retribution_record.html",
        {"call": call, "resource": resource, "split": split, "recorded": recorded, "form": form},
        status=status,
    )
