from django.core.management.base import BaseCommand

from demo.core import DEMO_PASSWORD
from demo.seed import seed_all


class Command(BaseCommand):
    help = "Create (or complete) the demo district, its people and each domain's demo data. Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        logins = seed_all(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<24} {login.who}")
