from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resources import licenses
from resources.markup import render_markdown


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)

    @property
    def name(self):
        """What pages and credits show: the display name, else the username."""
        return self.display_name or self.username

    @property
    def is_funder(self):
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


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    # The only moves a call's status may make, in order.
    NEXT_STATUS = {
        Status.DRAFT: Status.OPEN,
        Status.OPEN: Status.CLOSED,
        Status.CLOSED: Status.ARCHIVED,
    }

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    funder_name = models.CharField(_("funder"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    budget_amount = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, default=0)
    budget_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    allowed_licenses = models.JSONField(_("allowed licenses"), default=list)
    default_license = models.CharField(_("default license"), max_length=40)
    approvals_required = models.PositiveSmallIntegerField(_("approvals required"), default=1)
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("appel:call-detail", args=[self.slug])

    @property
    def is_open(self):
        """Resources may be proposed and edited only while the call is open."""
        return self.status == self.Status.OPEN

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
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
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
        super().save(*args, **kwargs)


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
