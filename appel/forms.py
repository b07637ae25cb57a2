"""Web forms for accounts, calls, challenges and members.

The rules live on the models (field validators, `Call.clean`,
`Challenge.clean`); ModelForm runs them, as the API serializers do.
"""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import licenses
from .models import Call, Challenge, Membership, User, username_key

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class SignupForm(UserCreationForm):
    def clean_username(self):
        """Taken if any account has the same username_key ("Ｌｅａ" is "lea")."""
        username = self.cleaned_data.get("username")
        if username and User.objects.filter(username_key=username_key(username)).exists():
            raise forms.ValidationError(
                self.instance.unique_error_message(self._meta.model, ["username"])
            )
        return username

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")
        help_texts = {
            "display_name": _("The name shown on your contributions and credits."),
            "email": _("Optional; needed to reset a forgotten password."),
        }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "email")
        help_texts = {"display_name": _("The name shown on your contributions and credits.")}


class CallForm(forms.ModelForm):
    allowed_licenses = forms.MultipleChoiceField(
        label=_("Allowed licenses"),
        choices=licenses.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only open licenses: every commons resource must be reusable by anyone."),
    )
    default_license = forms.ChoiceField(
        label=_("Default license"),
        choices=lambda: [("", _("The first allowed license"))] + licenses.choices(),
        required=False,
        help_text=_("Proposed to contributors when they create a resource."),
    )

    class Meta:
        model = Call
        fields = (
            "title",
            "slug",
            "summary",
            "description",
            "funder_name",
            "opens_at",
            "closes_at",
            "budget_amount",
            "budget_currency",
            "allowed_licenses",
            "default_license",
            "approvals_required",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
        }
        help_texts = {
            "slug": _("The call's address. Leave empty to derive it from the title."),
            "description": _("Markdown: headings, lists, links, tables."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = _("Time zone: %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
        self.fields["opens_at"].help_text = self.fields["closes_at"].help_text = zone
        if self.instance.pk:
            # The slug is the call's address in every link: it stays once created.
            del self.fields["slug"]
        else:
            self.fields["slug"].required = False


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = ("title", "slug", "description")
        help_texts = {
            "slug": _("Used in links to the challenge. Leave empty to derive it from the title."),
            "description": _("Markdown: headings, lists, links, tables."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.REVIEWER
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No account has this username.")) from None


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Call.Status.choices)
