from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Contributions")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from resources.slots import SEARCH_THREADS

        from . import searching, slots

        slots.connect()  # the panels contributions fills on appel's and resources' pages
        searching.connect()  # threads and posts in the SQLite search index
        SEARCH_THREADS.provide(searching.matching_threads)

        from appel import conditional

        from .models import (
            Decision,
            Funder,
            LedgerEntry,
            Milestone,
            Post,
            Retribution,
            RetributionWeight,
            Review,
            Thread,
        )

        # What call pages show of this app renews their ETags and cached copies.
        conditional.renew_on_save(
            Review,
            Retribution,
            RetributionWeight,
            Decision,
            Thread,
            Post,
            Funder,
            Milestone,
            LedgerEntry,
        )

        # The seams with appel and resources (which may not import this app): their signals,
        # sent after commit, only enqueue our notification tasks.
        from appel.signals import call_status_changed
        from resources import signals

        from . import notifying, tasks

        def version_saved(sender, *, resource_id, version_id, actor_id, **kwargs):
            tasks.notify_version.enqueue(version_id, actor_id)

        def participant_joined(sender, *, resource_id, user_id, **kwargs):
            tasks.notify_joined.enqueue(resource_id, user_id)

        def status_changed(sender, *, call_id, status, actor_id, at, **kwargs):
            tasks.notify_call_status.enqueue(call_id, status, actor_id, at)

        call_status_changed.connect(status_changed, weak=False, dispatch_uid="notify-status")
        signals.version_saved.connect(version_saved, weak=False, dispatch_uid="notify-version")
        signals.participant_joined.connect(
            participant_joined, weak=False, dispatch_uid="notify-joined"
        )
        # Sent inside the merge's transaction: the watchers move with the commun.
        signals.resource_merged.connect(
            notifying.move_watches, weak=False, dispatch_uid="merge-watches"
        )
        user_logged_in.connect(_count_waiting, dispatch_uid="contributions-count-waiting")


def _count_waiting(sender, request, user, **kwargs):
    """The header's review count, computed once at sign-in rather than on a page."""
    from .reviewing import waiting_for_cached

    waiting_for_cached(user, refresh=True)
