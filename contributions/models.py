from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appel.markup import render_markdown
from resources.models import ResourceVersion


class Review(models.Model):
    """A reviewer's verdict on one version; recorded only through contributions/reviewing.py."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REQUEST_CHANGES = "request_changes", _("Request changes")
        COMMENT = "comment", _("Comment")

    version = models.ForeignKey(ResourceVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict)
    comment = models.TextField(_("comment"), blank=True, help_text=_("Markdown."))
    comment_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        # Recent changes walk them newest first, all or one reviewer's (contributions/activity.py).
        indexes = [
            models.Index(fields=["created_at", "id"], name="review_created"),
            models.Index(fields=["reviewer", "created_at"], name="review_reviewer_created"),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()} on {self.version} by {self.reviewer}"

    def save(self, *args, **kwargs):
        self.comment_html = render_markdown(self.comment)
        super().save(*args, **kwargs)


class Retribution(models.Model):
    """Whether a call's retribution is published, and the figures as published.

    Kept apart from Call so that the call domain knows nothing of payouts.
    The figures are frozen at publication (contributions/attribution.py): an
    announced share must not move as the texts keep changing.
    """

    call = models.OneToOneField("appel.Call", on_delete=models.CASCADE, related_name="retribution")
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    # [{"user": id, "words": n, "share": 0.25, "amount": "5000.00"}, ...] as published.
    shares = models.JSONField(default=list, blank=True)
    # Each commun's suggested split as published (contributions/retribution.py, as_dict).
    communs = models.JSONField(default=list, blank=True)
    # Part of each commun's envelope kept for the people who reviewed it, in percent.
    reviewers_share = models.DecimalField(
        _("reviewers' share"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    def __str__(self):
        return f"Retribution of {self.call}"


class RetributionWeight(models.Model):
    """A weight the stewards gave one person's part of one commun, and why.

    Rows are only ever added (contributions/retribution.py, `set_weight`):
    the newest row of a (resource, user) pair is the weight in force, the
    older ones are its history, so no figure changes without a trace and a
    reason. A person without a row weighs 1.
    """

    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, related_name="retribution_weights"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["set_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="retribution_weight_range"
            )
        ]

    def __str__(self):
        return f"{self.user} × {self.weight} on {self.resource}"


class Decision(models.Model):
    """What the stewards decided about one commun at one cut-off date.

    Recorded only through contributions/deciding.py. Private to the call's
    stewards (and reviewers) until the cut-off is published; from then on,
    public and never changed again.
    """

    class Kind(models.TextChoices):
        SELECTED = "selected", _("Selected for funding")
        POOL = "pool", _("Pool with another commons")
        REWORK = "rework", _("To rework")
        DECLINED = "declined", _("Declined")

    cutoff = models.ForeignKey("appel.Cutoff", on_delete=models.CASCADE, related_name="decisions")
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, related_name="decisions"
    )
    # The validated version the decision is about: what the stewards read.
    version = models.ForeignKey(ResourceVersion, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Kind)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    pool_with = models.ForeignKey(
        "resources.Resource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pool with"),
    )
    answer = models.TextField(_("public answer"), help_text=_("Markdown."))
    answer_html = models.TextField(editable=False, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cutoff__date", "cutoff_id", "resource__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cutoff", "resource"], name="one_decision_per_resource_and_cutoff"
            ),
            models.CheckConstraint(
                condition=Q(decision="selected", amount__isnull=False)
                | (~Q(decision="selected") & Q(amount__isnull=True)),
                name="decision_amount_only_when_selected",
            ),
            models.CheckConstraint(
                condition=Q(decision="pool", pool_with__isnull=False)
                | (~Q(decision="pool") & Q(pool_with__isnull=True)),
                name="decision_pool_names_a_resource",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.resource} @ {self.cutoff}"

    def save(self, *args, **kwargs):
        self.answer_html = render_markdown(self.answer)
        super().save(*args, **kwargs)


class Thread(models.Model):
    """A discussion on a commun, or on a call (the call's forum); written by discussing.py.

    It may be about one passage of one version: `version` and `quote` keep
    what the discussion started from, whatever the text became since.
    """

    call = models.ForeignKey("appel.Call", on_delete=models.CASCADE, related_name="threads")
    resource = models.ForeignKey(
        "resources.Resource",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="threads",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    version = models.ForeignKey(
        ResourceVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    quote = models.TextField(_("quoted passage"), blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    posts_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_post_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_post_at", "-pk"]
        indexes = [
            models.Index(fields=["resource", "resolved", "-last_post_at"], name="thread_resource"),
            models.Index(fields=["call", "-last_post_at"], name="thread_call"),
            # A person's threads, newest first (their profile).
            models.Index(fields=["author", "created_at"], name="thread_author_created"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.resource_id:
            return reverse(
                "contributions:resource-thread",
                args=[self.call.slug, self.resource.slug, self.pk],
            )
        return reverse("contributions:call-thread", args=[self.call.slug, self.pk])


class Post(models.Model):
    """One message of a thread, its first one included. Markdown, rendered once at save."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="post_thread"),
            # Recent changes walk them newest first, all or one author's (activity.py).
            models.Index(fields=["created_at", "id"], name="post_created"),
            models.Index(fields=["author", "created_at"], name="post_author_created"),
        ]

    def __str__(self):
        return f"{self.author} in {self.thread}"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class Watch(models.Model):
    """Someone follows a call or one of its communs (resource set): they are notified of it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey("appel.Call", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "resource"],
                condition=models.Q(resource__isnull=False),
                name="watch_resource_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "call"],
                condition=models.Q(resource__isnull=True),
                name="watch_call_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "user"], name="watch_resource"),
            models.Index(fields=["call", "user"], name="watch_call"),
        ]

    def __str__(self):
        return f"{self.user} watches {self.resource or self.call}"


class Notification(models.Model):
    """Something one person should know; written in bulk by contributions/tasks.py.

    It keeps ids, not sentences: its text is said in the reader's language
    when shown (`notifying.text_of`) or e-mailed.
    """

    class Kind(models.TextChoices):
        NEW_VERSION = "new_version", _("New version")
        REVIEW = "review", _("Review")
        VALIDATED = "validated", _("Validated")
        THREAD = "thread", _("New thread")
        REPLY = "reply", _("Reply")
        MENTION = "mention", _("Mention")
        JOINED = "joined", _("Joined")
        CALL_STATUS = "call_status", _("Call status")
        DECISION = "decision", _("Decision")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    call = models.ForeignKey("appel.Call", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, null=True, related_name="+"
    )
    version = models.ForeignKey(
        ResourceVersion, on_delete=models.CASCADE, null=True, related_name="+"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when an e-mail (immediate or digest) told of it: nothing is e-mailed twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient", "emailed_at"],
                name="notification_to_email",
                condition=models.Q(emailed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient}"


class Funder(models.Model):
    """One of the funders sharing a call: its budget and the défis it funds.

    The call's own `funder_name` stays the lead funder; these are the
    co-funders, written through contributions/funding.py. No challenge named
    means it funds every défi of the call. Its currency is the call's.
    """

    call = models.ForeignKey("appel.Call", on_delete=models.CASCADE, related_name="funders")
    name = models.CharField(_("name"), max_length=200)
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    challenges = models.ManyToManyField(
        "appel.Challenge", blank=True, related_name="+", verbose_name=_("challenges funded")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="funder_name_unique_in_call"),
            models.CheckConstraint(
                condition=Q(budget_amount__gte=0), name="funder_budget_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    """A part of a selected commun's grant, due when a validated version delivers it.

    Set by the stewards (contributions/funding.py); met once, when a steward
    ties it to a validated version of its commun, which writes a `milestone`
    ledger entry ("payment due").
    """

    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.PROTECT, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("funder"),
    )
    version = models.ForeignKey(
        ResourceVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.title

    @property
    def met(self):
        return self.version_id is not None


class LedgerIsAppendOnly(Exception):
    """Refused: a ledger entry, once written, is never changed nor deleted."""

    def __init__(self):
        super().__init__(
            _("Ledger entries are never changed or deleted: record an amendment instead.")
        )


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes refused too: the ledger only grows."""

    def update(self, **kwargs):
        raise LedgerIsAppendOnly()

    def delete(self):
        raise LedgerIsAppendOnly()

    _raw_delete = delete


class AppendOnly(models.Model):
    """A row written once: save() of a stored row and delete() raise LedgerIsAppendOnly.

    PostgreSQL refuses UPDATE and DELETE of these tables as well (a trigger,
    migration 0006), so raw SQL cannot rewrite the history either.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerIsAppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly()


class LedgerEntry(AppendOnly):
    """One line of a call's public ledger; written only through contributions/ledger.py.

    `grant`: a commun selected at a published cut-off; `milestone`: a
    milestone met, a payment due; `split`: how a commun's grant is shared
    among its people (`shares`); `amendment`: corrects the entry it
    `supersedes`, with a reason. `counts_as` is the kind whose totals an
    entry counts in (an amendment counts as what it corrects); an entry
    superseded by an amendment no longer counts (docs/money.md).
    """

    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        MILESTONE = "milestone", _("Milestone met")
        SPLIT = "split", _("Split")
        AMENDMENT = "amendment", _("Amendment")

    call = models.ForeignKey("appel.Call", on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    counts_as = models.CharField(max_length=10, choices=Kind, editable=False)
    resource = models.ForeignKey(
        "resources.Resource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("commons"),
    )
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("funder"),
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.TextField(_("reason"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        indexes = [models.Index(fields=["call", "created_at"], name="ledger_call")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="amendment", supersedes__isnull=False)
                | (~Q(kind="amendment") & Q(supersedes__isnull=True)),
                name="ledger_amendment_supersedes",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ledger_amount_not_negative"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.amount} {self.currency}"


class LedgerShare(AppendOnly):
    """One person's part of a `split` entry (or of an amendment to a split)."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["user"], name="ledger_share_user")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="ledger_share_once_per_entry"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ledger_share_not_negative"),
        ]

    def __str__(self):
        return f"{self.user} {self.amount}"
