from django.conf import settings
from django.db import models
from django.db.models import Q
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

    def __str__(self):
        return f"Retribution of {self.call}"


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
