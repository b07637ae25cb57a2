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


class SectionsField(forms.CharField):
    """The required sections, one heading title a line (the model keeps a list)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()]


class CallForm(forms.ModelForm):
    required_sections = SectionsField(
        label=_("Required sections"),
        required=False,
        help_text=_(
            "One heading title a line. Each resource shows which of them are missing or "
            "empty; missing sections never prevent saving."
        ),
    )
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
            "funding_min",
            "funding_max",
            "resource_template",
            "required_sections",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "resource_template": forms.Textarea(attrs={"rows": 12}),
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
        }
        help_texts = {
            "slug": _("The call's address. Leave empty to derive it from the title."),
            "description": _("Markdown: headings, lists, links, tables."),
            "funding_min": _("The smallest amount a selected commons receives; empty: no floor."),
            "funding_max": _("The largest amount a selected commons receives; empty: no cap."),
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
    """A person by username, or an e-mail address (invited when it has no account)."""

    username = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        help_text=_(
            "Search people below by name. An address without an account receives an "
            "invitation link; the role is given when they sign up."
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.REVIEWER
    )

    def clean_username(self):
        """A User, or the e-mail address (a str) to invite."""
        value = self.cleaned_data["username"].strip()
        if "\x00" in value:
            raise forms.ValidationError(_("Null characters are not allowed."))
        user = User.objects.filter(username=value).first()
        if user is not None:
            return user
        if "@" in value:
            return value
        raise forms.ValidationError(
            _("No account has this username: search by name, or give an e-mail address.")
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Call.Status.choices)
