from django.core.management.base import BaseCommand

from contributions import notifying, tasks


class Command(BaseCommand):
    help = (
        "Enqueue the daily digest of everyone who takes one and has unsent notifications. "
        "Idempotent: a notification is e-mailed once at most, so a second run sends nothing."
    )

    def handle(self, *args, **options):
        count = 0
        for user_id in notifying.digest_recipients():
            tasks.send_digest.enqueue(user_id)
            count += 1
        self.stdout.write(f"{count} digest(s) enqueued.")
