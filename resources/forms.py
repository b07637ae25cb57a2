"""Forms of the resource pages. They check shapes; resources/editing.py checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .editing import MAX_COMMENT_CHARS

MARKDOWN_HELP = _("Markdown: see the cheat sheet next to the editor.")


class _TextFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,  # the text is stored exactly as typed
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=MARKDOWN_HELP,
    )
    comment = forms.CharField(
        label=_("Edit summary"),
        required=False,
        max_length=MAX_COMMENT_CHARS,
        help_text=_("Say briefly what you changed and why: reviewers read it first."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The editor script finds the text and its preview by these attributes.
        self.fields["content"].widget.attrs["data-editor"] = ""
        self.fields["content"].widget.attrs["aria-describedby"] = (
            f"{self['content'].auto_id}_helptext markdownHelp"
        )


class ResourceCreateForm(_TextFields):
    field_order = ["title", "challenges", "license", "slug", "content", "comment"]

    challenges = forms.ModelMultipleChoiceField(
        label=_("Challenges"),
        queryset=None,
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The challenges (défis) of the call this resource answers: one or several."),
    )
    license = forms.ChoiceField(
        label=_("License"),
        help_text=_("Anyone may reuse the resource under this open license."),
    )
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_("Letters, digits and hyphens; left empty, it is made from the title."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = call.challenges.all()
        self.fields["license"].choices = [
            (lic.id, f"{lic.name} ({lic.id})") for lic in call.allowed_license_objects()
        ]
        self.fields["license"].initial = call.default_license


class ChallengesForm(forms.Form):
    """The défis a commun answers, changed by its leads or a steward (resources/editing.py)."""

    challenges = forms.ModelMultipleChoiceField(
        label=_("Challenges"),
        queryset=None,
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The challenges (défis) of the call this resource answers: one or several."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = call.challenges.all()


class ResourceEditForm(_TextFields):
    # The version the editor started from: how a stale edit is detected and merged.
    base_version = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The version you started from is missing: open the editor again."),
            "invalid": _("The version you started from is not valid: open the editor again."),
            "min_value": _("The version you started from is not valid: open the editor again."),
        },
    )


class FileUploadForm(forms.Form):
    """A file for the resource; resources/files.py checks its type, content, name and license."""

    file = forms.FileField(
        label=_("File"),
        required=False,  # the edit form carries it: saving the text alone needs none
        allow_empty_file=True,  # files.py says why an empty file is refused
        help_text=_(
            "Images (PNG, JPEG, WebP, GIF), documents (PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX) "
            "and data (CSV, JSON, GeoJSON, ZIP). The same name again adds a new revision."
        ),
    )
    name = forms.CharField(
        label=_("Name in the text"),
        required=False,
        max_length=200,
        help_text=_("Left empty, the file's own name. The text shows it with files/NAME."),
    )
    license = forms.ChoiceField(label=_("License of the file"), required=False)

    prefix = "upload"

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["license"].choices = [
            (lic.id, f"{lic.name} ({lic.id})") for lic in resource.call.allowed_license_objects()
        ]
        self.fields["license"].initial = resource.license
