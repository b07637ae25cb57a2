"""Run after changing the Markdown extensions or the HTML allowlist in appel/markup.py.

Pages show HTML rendered once at save; this command brings what is stored
in line with the current rules: every version of every resource, and the
descriptions of calls and défis and the comments of reviews. It lives in
the top app because it rewrites every app's HTML.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appel.markup import render_markdown
from appel.models import Call, Challenge
from resources import links, pagecache
from resources.models import ResourceVersion
from resources.reading import load_contents

from ...models import Review

# The other stored Markdown: (model, Markdown field, HTML field).
OTHER_SOURCES = [
    (Call, "description", "description_html"),
    (Challenge, "description", "description_html"),
    (Review, "comment", "comment_html"),
]


def _batches(queryset, size):
    """Rows by ascending pk, `size` at a time, without OFFSET and without holding them all."""
    last = 0
    while batch := list(queryset.filter(pk__gt=last).order_by("pk")[:size]):
        yield batch
        last = batch[-1].pk


class Command(BaseCommand):
    help = (
        "Re-renders the stored HTML of every resource version, call, challenge and review "
        "with the current Markdown rules (run it after changing appel/markup.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=100,
            help="Rows read and written at once (texts go up to 1 MB each).",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        # ResourceVersion is metadata, not a versioned model: writing its HTML
        # with bulk_update leaves the reversion snapshots untouched, as it should.
        # Each with its resource's slug and call: `files/NAME` and `[[slug]]` resolve from them.
        versions = ResourceVersion.objects.select_related("resource__call").only(
            "pk", "revision_id", "resource_id", "html", "resource__slug", "resource__call__slug"
        )
        self._rerender(versions, "versions", batch_size, source=None, target="html")
        for model, source, target in OTHER_SOURCES:
            queryset = model._default_manager.only("pk", source, target)
            label = str(model._meta.verbose_name_plural)
            self._rerender(queryset, label, batch_size, source=source, target=target)
        pagecache.html_rewritten.send(sender=type(self))  # cached pages hold the old HTML

    def _rerender(self, queryset, label, batch_size, *, source, target):
        changed = total = 0
        for batch in _batches(queryset, batch_size):
            if source is None:
                load_contents(batch)
            stale = []
            for row in batch:
                if source is None:
                    html = links.render(row.resource, row.content)
                else:
                    html = render_markdown(getattr(row, source))
                if html != getattr(row, target):
                    setattr(row, target, html)
                    stale.append(row)
            with transaction.atomic():
                type(batch[0])._default_manager.bulk_update(stale, [target])
            changed += len(stale)
            total += len(batch)
        self.stdout.write(f"{label}: {changed} of {total} re-rendered.")
