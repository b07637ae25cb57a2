"""A person's own data: the JSON download and the deletion of their account.

The rules are in contributions/personal_data.py; these views ask for a
confirmation, call it, and say what happened.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from appel.ratelimit import limit_posts

from .. import personal_data


@require_GET
@login_required
def account_data(request):
    """Everything about the signed-in person, as a JSON file to keep."""
    data = personal_data.export_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"appel-a-communs-{request.user.username}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class DeleteAccountForm(forms.Form):
    credits = forms.ChoiceField(
        label=gettext_lazy("How your contributions are credited from now on"),
        choices=[
            ("keep", gettext_lazy("With my display name, as today")),
            ("former", gettext_lazy("As “former contributor no. N”, without my name")),
        ],
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=gettext_lazy("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts("login")
def account_delete(request):
    """Confirm, then close the account: contributions stay under their license."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            personal_data.delete_account(
                user=request.user, keep_name=form.cleaned_data["credits"] == "keep"
            )
        except personal_data.AccountNotDeletable as refusal:
            form.add_error(None, str(refusal))
        else:
            logout(request)
            messages.success(
                request,
                _("Your account is deleted. Your contributions stay, under their licenses."),
            )
            return redirect("appel:home")
    return render(request, "contributions/account_delete.html", {"form": form})
