from typing import Any

from django.core.management.base import BaseCommand

from enforcement import outbox


class Command(BaseCommand):
    help = "Send the queued background tasks the broker could not take (the outbox); safe to repeat."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = total = 0
        while True:
            batch = outbox.relay()
            sent += batch
            total = outbox.pending_count()
            if batch < outbox.RELAY_BATCH or not total:
                break
        self.stdout.write(f"sent {sent}, still waiting {total}")
        if total:
            raise SystemExit(1)
