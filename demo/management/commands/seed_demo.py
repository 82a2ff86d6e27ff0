from django.core.management.base import BaseCommand, CommandParser

from demo.core import DEMO_PASSWORD
from demo.seed import seed_all


class Command(BaseCommand):
    help = "Create (or complete) the demo district, its people and each domain's demo data. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--small",
            action="store_true",
            help="every kind of record with fewer cases, photos and documents (for tests and a quick look)",
        )

    def handle(self, *args: object, **options: object) -> None:
        logins = seed_all(self.stdout, small=bool(options["small"]))
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<24} {login.who}")
