import unicodedata
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _

from . import callstats, licenses
from .markup import render_markdown

# Descriptions are Markdown rendered at save; this bound keeps a page and a
# request body reasonable while leaving room for a full call text.
MAX_DESCRIPTION_CHARS = 100_000
# A fiche commun has a handful of sections; these bounds keep a checklist readable.
MAX_SECTIONS = 30
MAX_SECTION_TITLE_CHARS = 200


def unique_slug(queryset, text, *, fallback, reserved=(), max_length=80):
    """A slug made from `text` that no row of `queryset` uses yet ("eau", "eau-2", ...).

    One query: the taken slugs sharing the base are read at once.
    """
    base = slugify(text)[: max_length - 4].strip("-") or fallback
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    taken.update(reserved)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# Twelve people creating a défi with the same title at once each need a turn.
SLUG_ATTEMPTS = 20


def save_with_free_slug(instance, save, allocate):
    """save(), with a slug from allocate() when none was given, allocated again on a clash.

    Two saves at the same instant can both find "eau-2" free; the unique
    constraint lets one in, and the other tries the next free slug instead
    of failing. A slug chosen by a person is never changed: its clash raises.
    """
    if instance.slug:
        return save()
    for attempt in range(SLUG_ATTEMPTS):
        instance.slug = allocate()
        try:
            with transaction.atomic():
                return save()
        except IntegrityError:
            instance.slug = ""
            if attempt == SLUG_ATTEMPTS - 1:
                raise


def username_key(username):
    """The form of a username that decides who is who: "Ｌｅａ", "ℓea" and "LEA" are all "lea".

    NFKC folds look-alike characters (full-width, mathematical letters),
    casefold folds case beyond ASCII ("Straße" and "STRASSE").
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())


class User(AbstractUser):
    class EmailNotifications(models.TextChoices):
        NEVER = "never", _("Never")
        IMMEDIATE = "immediate", _("At once, one e-mail per notification")
        DAILY = "daily", _("Once a day, a digest")

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # How this person wants to hear by e-mail of what contributions/notifying.py tells them.
    email_notifications = models.CharField(
        _("e-mail notifications"),
        max_length=10,
        choices=EmailNotifications,
        default=EmailNotifications.DAILY,
    )
    # The language of the e-mails sent to this person (blank: the site's own).
    language = models.CharField(
        _("language of e-mails"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # The header's bell, read with the user on every page instead of counted:
    # kept by contributions/notifying.py when notifications are written or read.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)

    # Set when the person deleted their account and chose that their credits no
    # longer name them (contributions/personal_data.py): "former contributor no. N".
    former_number = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)
    deleted_at = models.DateTimeField(
        _("account deleted at"), null=True, blank=True, editable=False
    )
    # username_key(username), unique: the database itself refuses a second
    # "lea" however it is spelled, even from two sign-ups at the same instant.
    username_key = models.CharField(max_length=150, unique=True, editable=False)
    # Raised by "sign out everywhere": every session signed with an older
    # value ends (see _get_session_auth_hash).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    def save(self, *args, **kwargs):
        """Keeps username_key; a new password also replaces the API token.

        Whoever changes the password (the change and reset pages, the admin,
        `changepassword`) means to shut out whoever knew the old one, and the
        token is as good as the password on the API. A new token is handed
        out at the next `auth/token`. (Django rehashing a password at login
        does not count: it clears `_password` before saving.)
        """
        self.username_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            self.end_tokens()

    def end_tokens(self):
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user=self).delete()

    def sign_out_everywhere(self):
        """End every session and the API token of this person at once."""
        self.end_tokens()
        self.sign_ins.all().delete()  # the profile's list of sessions (appel/sessions.py)
        User.objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])

    def _get_session_auth_hash(self, secret=None):
        """Django's hash of the password, plus the session generation once it was raised.

        Generation 0 keeps Django's own value, so that existing sessions live on.
        """
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "appel.User.session_generation",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def name(self):
        """What pages and credits show: the display name, else the username.

        A deleted account credited without its name reads "ancien contributeur
        n°N" / "former contributor no. N", in the reader's language.
        """
        if self.former_number is not None:
            return _("former contributor no. %(n)s") % {"n": self.former_number}
        return self.display_name or self.username

    @property
    def is_funder(self):
        # Read with the person by `loaders.get_person` (their page): no permission queries.
        if "funder_flag" in self.__dict__:
            return self.funder_flag
        return self.has_perm("appel.add_call")


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Drafts are their stewards' alone; everything else is public."""
        if user.is_authenticated and user.is_superuser:
            return self
        public = ~Q(status=Call.Status.DRAFT)
        if user.is_authenticated:
            return self.filter(
                public | Q(memberships__user=user, memberships__role=Membership.Role.STEWARD)
            ).distinct()
        return self.filter(public)

    def open(self):
        return self.filter(status=Call.Status.OPEN)

    def in_status(self, status):
        """Calls whose status is `status` as shown: an open call past its closing date is
        closed, even before anyone loaded it (`stewarding.catch_up` records that)."""
        past = Q(status=Call.Status.OPEN, closes_at__lte=timezone.now())
        if status == Call.Status.CLOSED:
            return self.filter(Q(status=status) | past)
        if status == Call.Status.OPEN:
            return self.filter(status=status).exclude(past)
        return self.filter(status=status)

    def with_stats(self):
        """Adds what `Call.stats` reads; the counting is provided by resources (see callstats)."""
        return callstats.annotate(self)


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    # Words of the web addresses (/calls/new/) that a call's slug would hide.
    RESERVED_SLUGS = frozenset({"new"})

    # The only moves a call's status may make, in order.
    NEXT_STATUS = {
        Status.DRAFT: Status.OPEN,
        Status.OPEN: Status.CLOSED,
        Status.CLOSED: Status.ARCHIVED,
    }

    # Slugs are unique across all calls, drafts included: a funder choosing a
    # draft's slug learns that the address is taken, and nothing else.
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        error_messages={"unique": _("This address is taken: choose another slug.")},
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(
        _("description"), blank=True, max_length=MAX_DESCRIPTION_CHARS, help_text=_("Markdown.")
    )
    description_html = models.TextField(editable=False, blank=True)
    funder_name = models.CharField(_("funder"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    budget_amount = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    budget_currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[
            RegexValidator(r"^[A-Z]{3}\Z", _("Use a three-letter ISO 4217 code, such as EUR."))
        ],
    )
    allowed_licenses = models.JSONField(_("allowed licenses"), default=list)
    default_license = models.CharField(_("default license"), max_length=40)
    approvals_required = models.PositiveSmallIntegerField(
        _("approvals required"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Approvals from reviewers or stewards a version needs to be validated."),
    )
    resource_template = models.TextField(
        _("resource template"),
        blank=True,
        max_length=MAX_DESCRIPTION_CHARS,
        help_text=_("Markdown that pre-fills the editor of every new resource."),
    )
    required_sections = models.JSONField(
        _("required sections"),
        default=list,
        blank=True,
        help_text=_(
            "Heading titles every resource must fill; missing ones are shown, never refused."
        ),
    )
    funding_min = models.DecimalField(
        _("funding floor per commons"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_max = models.DecimalField(
        _("funding cap per commons"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("call for commons")
        verbose_name_plural = _("calls for commons")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_amount__gte=0), name="call_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(approvals_required__gte=1), name="call_approvals_at_least_one"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        save_with_free_slug(
            self,
            lambda: super(Call, self).save(*args, **kwargs),
            lambda: unique_slug(
                Call.objects.all(), self.title, fallback="appel", reserved=self.RESERVED_SLUGS
            ),
        )

    def get_absolute_url(self):
        return reverse("appel:call-detail", args=[self.slug])

    def clean(self):
        """The rules on a call's fields together; the web form and the API both run them."""
        errors = {}
        if self.slug in self.RESERVED_SLUGS:
            errors["slug"] = _("This word is reserved for the site's addresses.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The closing date must come after the opening date.")
        if (
            self.funding_min is not None
            and self.funding_max is not None
            and Decimal(str(self.funding_max)) < Decimal(str(self.funding_min))
        ):
            errors["funding_max"] = _("The cap must be at least the floor.")
        sections = self.required_sections
        if not isinstance(sections, list) or not all(
            isinstance(title, str) and title.strip() and len(title) <= MAX_SECTION_TITLE_CHARS
            for title in sections
        ):
            errors["required_sections"] = _(
                "Give a list of heading titles, each of 1 to %(max)s characters."
            ) % {"max": MAX_SECTION_TITLE_CHARS}
        elif len(sections) > MAX_SECTIONS:
            errors["required_sections"] = _("At most %(max)s required sections.") % {
                "max": MAX_SECTIONS
            }
        else:
            self.required_sections = list(dict.fromkeys(" ".join(t.split()) for t in sections))
        allowed = self.allowed_licenses
        if not isinstance(allowed, list) or not allowed:
            errors["allowed_licenses"] = _("Allow at least one license.")
        else:
            refusals = [str(reason) for reason in map(licenses.refusal, allowed) if reason]
            if refusals:
                errors["allowed_licenses"] = refusals
            else:
                self.allowed_licenses = list(dict.fromkeys(allowed))
                if not self.default_license:
                    self.default_license = self.allowed_licenses[0]
                elif self.default_license not in self.allowed_licenses:
                    errors["default_license"] = _(
                        "The default license must be one of the allowed licenses."
                    )
        if errors:
            raise ValidationError(errors)

    @property
    def stats(self):
        """Needs `Call.objects.with_stats()`, so that lists read it in their one query."""
        return callstats.figures(self)

    @property
    def next_status(self):
        """The one status this call may move to, or None once archived."""
        return self.NEXT_STATUS.get(self.status)

    # An open call whose `opens_at` is still ahead is shown as scheduled: it
    # opens by itself at that instant, and closes by itself at `closes_at`.
    # Not a stored status: the API's `status` keeps its four values.
    SCHEDULED = "scheduled"

    @staticmethod
    def phase_of(status, opens_at, closes_at, now):
        """What the call is at `now`: its status, with the dates applied to an open call."""
        if status == Call.Status.OPEN:
            if opens_at is not None and now < opens_at:
                return Call.SCHEDULED
            if closes_at is not None and now >= closes_at:
                return Call.Status.CLOSED
        return status

    def phase_at(self, now):
        return self.phase_of(self.status, self.opens_at, self.closes_at, now)

    @property
    def phase(self):
        """`draft`, `scheduled`, `open`, `closed` or `archived`, as of now."""
        return self.phase_at(timezone.now())

    @property
    def phase_label(self):
        phase = self.phase
        return _("Scheduled") if phase == self.SCHEDULED else self.Status(phase).label

    @property
    def is_scheduled(self):
        return self.phase == self.SCHEDULED

    @property
    def is_open(self):
        """Resources may be proposed and edited only while the call is open, dates included."""
        return self.phase == self.Status.OPEN

    def can_move_to(self, status):
        return self.NEXT_STATUS.get(self.status) == status

    def role_of(self, user):
        """'steward', 'reviewer' or None. Uses prefetched memberships when present."""
        if not user.is_authenticated:
            return None
        for membership in self.memberships.all():
            if membership.user_id == user.pk:
                return membership.role
        return None

    def is_steward(self, user):
        return self.role_of(user) == Membership.Role.STEWARD

    def can_review(self, user):
        return self.role_of(user) in (Membership.Role.STEWARD, Membership.Role.REVIEWER)

    def allowed_license_objects(self):
        return [licenses.get(lid) for lid in self.allowed_licenses if licenses.get(lid)]


class Challenge(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="challenges")
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, max_length=MAX_DESCRIPTION_CHARS, help_text=_("Markdown.")
    )
    description_html = models.TextField(editable=False, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.UniqueConstraint(fields=["call", "slug"], name="challenge_slug_unique_in_call")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        save_with_free_slug(
            self,
            lambda: super(Challenge, self).save(*args, **kwargs),
            lambda: unique_slug(
                Challenge.objects.filter(call_id=self.call_id), self.title, fallback="defi"
            ),
        )

    def get_absolute_url(self):
        return reverse("appel:challenge-detail", args=[self.call.slug, self.slug])

    def clean(self):
        """Checked here rather than by the constraint: forms and the API leave `call` out."""
        taken = Challenge.objects.filter(call_id=self.call_id, slug=self.slug).exclude(pk=self.pk)
        if self.slug and self.call_id and taken.exists():
            raise ValidationError({"slug": _("A challenge of this call already uses this slug.")})


class Membership(models.Model):
    class Role(models.TextChoices):
        STEWARD = "steward", _("Steward")
        REVIEWER = "reviewer", _("Reviewer")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "user"], name="one_membership_per_user_and_call"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) @ {self.call}"

    @staticmethod
    def waiting_cache_key(user_id):
        """Where the header's "To review (N)" of a person is kept (contributions/reviewing.py).

        Here so that appel/stewarding.py can forget it when that person's roles change.
        """
        return f"to-review:{user_id}"


class Cutoff(models.Model):
    """A cut-off date ("relevé"): the day stewards decide, commun by commun.

    The decisions themselves live in contributions (they are about
    resources); a cut-off only knows whether they are public yet.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="cutoffs")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("cut-off date")
        verbose_name_plural = _("cut-off dates")

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"


class Invitation(models.Model):
    """A role on a call offered to an e-mail address that has no account yet.

    The address receives a signed link (appel/stewarding.py); the membership
    is created when someone signs up (or logs in) through it.
    """

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} ({self.role}) @ {self.call}"


class AuditEntry(models.Model):
    """One privileged action, kept so that stewards and admins can see who did what.

    Written by appel/audit.py inside the transaction of the action itself, so
    an action and its entry are saved together or not at all.
    """

    class Action(models.TextChoices):
        MEMBER_ADDED = "member_added", _("Member added")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        STATUS_CHANGED = "status_changed", _("Status changed")
        BUDGET_CHANGED = "budget_changed", _("Budget changed")
        VERSION_RESTORED = "version_restored", _("Version restored")
        RETRIBUTION_PUBLISHED = "retribution_published", _("Retribution published")
        RETRIBUTION_WITHDRAWN = "retribution_withdrawn", _("Retribution withdrawn")
        POST_HIDDEN = "post_hidden", _("Post hidden")
        CUTOFF_ADDED = "cutoff_added", _("Cut-off date added")
        DECISION_RECORDED = "decision_recorded", _("Decision recorded")
        CUTOFF_PUBLISHED = "cutoff_published", _("Cut-off decisions published")
        MEMBER_INVITED = "member_invited", _("Member invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        FUNDER_GRANTED = "funder_granted", _("Funder role granted")
        FUNDER_WITHDRAWN = "funder_withdrawn", _("Funder role withdrawn")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        RESOURCE_MERGED = "resource_merged", _("Commun merged into another")
        COFUNDER_SAVED = "cofunder_saved", _("Co-funder saved")
        MILESTONE_ADDED = "milestone_added", _("Milestone added")
        MILESTONE_MET = "milestone_met", _("Milestone met")
        LEDGER_ENTRY = "ledger_entry", _("Ledger entry written")
        RETRIBUTION_WEIGHT_SET = "retribution_weight_set", _("Retribution weight set")
        REVIEWERS_SHARE_SET = "reviewers_share_set", _("Reviewers' share set")

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40, choices=Action)
    # The person the action is about (a member added, removed, given a role):
    # a key, not a name, so the log shows their name as it reads today.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
    )
    target = models.CharField(_("target"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["call", "-created_at"], name="audit_call_recent")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"


class SitePage(models.Model):
    """A page of the site itself (legal notice, personal data, accessibility), in both languages.

    Staff edit them in the admin: their wording belongs to the operator (a
    public funder must publish its own legal notice), not to the code. A data
    migration writes sensible defaults in French and English.
    """

    class Key(models.TextChoices):
        LEGAL = "mentions-legales", _("Legal notice")
        PRIVACY = "donnees-personnelles", _("Personal data")
        ACCESSIBILITY = "accessibilite", _("Accessibility")

    key = models.SlugField(_("page"), max_length=40, unique=True, choices=Key)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    content_fr = models.TextField(
        _("text (French)"), max_length=MAX_DESCRIPTION_CHARS, help_text=_("Markdown.")
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    content_en = models.TextField(
        _("text (English)"), max_length=MAX_DESCRIPTION_CHARS, help_text=_("Markdown.")
    )
    html_fr = models.TextField(editable=False, blank=True)
    html_en = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self):
        return self.get_key_display()

    def save(self, *args, **kwargs):
        self.html_fr = render_markdown(self.content_fr)
        self.html_en = render_markdown(self.content_en)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("appel:site-page", args=[self.key])

    def in_language(self, language):
        """(title, html) in `language`, French for any other language (the site's first)."""
        if language == "en":
            return self.title_en, self.html_en
        return self.title_fr, self.html_fr


# Marks in a User-Agent header, most specific first (Edge and Opera also say "Chrome",
# Chrome also says "Safari", Android also says "Linux").
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


class UserSession(models.Model):
    """One signed-in browser of a person, so they can see it and end it from their profile.

    Written when someone signs in and removed when they sign out
    (appel/sessions.py); the session itself lives in the session engine.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-in session")
        verbose_name_plural = _("sign-in sessions")

    def __str__(self):
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def browser(self):
        """What a person recognises ("Firefox on Windows"), not the header's 100 characters."""
        agent = self.user_agent
        name = next((name for mark, name in _BROWSERS if mark in agent), None)
        system = next((system for mark, system in _SYSTEMS if mark in agent), None)
        if name and system:
            return _("%(browser)s on %(system)s") % {"browser": name, "system": system}
        return name or system or Truncator(agent).chars(80)
