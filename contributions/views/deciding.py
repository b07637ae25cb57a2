"""Cut-off pages: the call's "relevés", the decisions taken at each, and their publication.

The rules live in appel/stewarding.py (adding a cut-off date) and
contributions/deciding.py (deciding, publishing), which the API calls too.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from appel.loaders import get_call
from appel.stewarding import CallArchived, add_cutoff
from resources import loaders
from resources.models import Resource

from .. import deciding
from ..ledger import LedgerRefused
from ..models import Decision


class CutoffForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class DecisionForm(forms.Form):
    resource = forms.ModelChoiceField(
        label=gettext_lazy("Commons"),
        queryset=Resource.objects.none(),
        to_field_name="slug",
        help_text=gettext_lazy("Only commons with a validated version: the decision is about it."),
    )
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=Decision.Kind.choices, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), required=False, max_digits=14, decimal_places=2
    )
    pool_with = forms.ModelChoiceField(
        label=gettext_lazy("Pool with"),
        queryset=Resource.objects.none(),
        to_field_name="slug",
        required=False,
        help_text=gettext_lazy("Only when the decision is to pool with another commons."),
    )
    answer = forms.CharField(
        label=gettext_lazy("Public answer"),
        max_length=deciding.MAX_ANSWER_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Markdown. The commons reads it once the cut-off is published."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        resources = Resource.objects.filter(call=call).only("pk", "slug", "title", "call_id")
        self.fields["resource"].queryset = resources.filter(stable_version__isnull=False).order_by(
            "title"
        )
        self.fields["pool_with"].queryset = resources.order_by("title")
        low, high = call.funding_min, call.funding_max
        currency = call.budget_currency
        if low is not None and high is not None:
            help_text = _("Only when selected: from %(low)s to %(high)s %(currency)s.")
        elif low is not None:
            help_text = _("Only when selected: at least %(low)s %(currency)s.")
        elif high is not None:
            help_text = _("Only when selected: at most %(high)s %(currency)s.")
        else:
            help_text = _("Only when selected, in %(currency)s.")
        self.fields["amount"].help_text = help_text % {
            "low": low,
            "high": high,
            "currency": currency,
        }


def _cutoff(request, slug, pk):
    call = get_call(request.user, slug, with_members=True)
    if not loaders.can_exist(pk):
        raise Http404
    cutoff = get_object_or_404(call.cutoffs, pk=pk)
    cutoff.call = call
    return cutoff


def _add_errors(form, error):
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def cutoff_list(request, call_slug):
    """The call's cut-off dates; its stewards add them here."""
    call = get_call(request.user, call_slug, with_members=True)
    is_steward = call.is_steward(request.user)
    form = None
    if is_steward:
        form = CutoffForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                cutoff = add_cutoff(call=call, actor=request.user, **form.cleaned_data)
            except CallArchived as error:
                messages.error(request, str(error))
                return redirect("contributions:cutoff-list", call.slug)
            messages.success(request, _("The cut-off date is added: record its decisions now."))
            return redirect("contributions:cutoff-detail", call.slug, cutoff.pk)
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    ctx = {"call": call, "cutoffs": call.cutoffs.all(), "form": form, "is_steward": is_steward}
    return render(request, "contributions/cutoff_list.html", ctx)


@require_http_methods(["GET", "POST"])
def cutoff_detail(request, call_slug, cutoff):
    """One cut-off: its decisions (stewards always, anyone once published) and the form."""
    cutoff = _cutoff(request, call_slug, cutoff)
    call = cutoff.call
    is_steward = call.is_steward(request.user)
    form = None
    if is_steward and not cutoff.published:
        form = DecisionForm(request.POST if request.method == "POST" else None, call=call)
        if form.is_valid():
            data = form.cleaned_data
            resource = data["resource"]
            try:
                decision, created = deciding.record_decision(
                    cutoff=cutoff,
                    resource=resource,
                    version=resource.stable_version,
                    decision=data["decision"],
                    answer=data["answer"],
                    amount=data["amount"],
                    pool_with=data["pool_with"],
                    actor=request.user,
                )
            except (deciding.CutoffPublished, CallArchived) as error:
                messages.error(request, str(error))
                return redirect("contributions:cutoff-detail", call.slug, cutoff.pk)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                sentence = (
                    _(
                        "The decision about “%(title)s” is recorded; it stays private until "
                        "you publish the cut-off."
                    )
                    if created
                    else _(
                        "The decision about “%(title)s” is replaced; it stays private until "
                        "you publish the cut-off."
                    )
                )
                messages.success(request, sentence % {"title": resource.title})
                return redirect("contributions:cutoff-detail", call.slug, cutoff.pk)
    elif request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_steward:
            messages.error(request, str(deciding.CutoffPublished(cutoff)))
            return redirect("contributions:cutoff-detail", call.slug, cutoff.pk)
        raise PermissionDenied
    ctx = {
        "call": call,
        "cutoff": cutoff,
        "decisions": list(deciding.decisions_of(cutoff, request.user)),
        "form": form,
        "is_steward": is_steward,
        "status": 400 if form is not None and form.errors else 200,
    }
    return render(request, "contributions/cutoff_detail.html", ctx, status=ctx["status"])


@login_required
@require_http_methods(["GET", "POST"])
def cutoff_publish(request, call_slug, cutoff):
    """A confirmation page: publishing makes every decision public and final."""
    cutoff = _cutoff(request, call_slug, cutoff)
    call = cutoff.call
    if not call.is_steward(request.user):
        raise PermissionDenied
    decisions = list(deciding.decisions_of(cutoff, request.user))
    if request.method == "POST" and not cutoff.published:
        try:
            deciding.publish_cutoff(cutoff=cutoff, actor=request.user)
        except (deciding.CutoffPublished, CallArchived, LedgerRefused) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is published: its decisions are public and final.")
                % {"title": cutoff.title},
            )
        return redirect("contributions:cutoff-detail", call.slug, cutoff.pk)
    if cutoff.published:
        messages.info(request, str(deciding.CutoffPublished(cutoff)))
        return redirect("contributions:cutoff-detail", call.slug, cutoff.pk)
    ctx = {"call": call, "cutoff": cutoff, "decisions": decisions}
    return render(request, "contributions/cutoff_publish.html", ctx)
