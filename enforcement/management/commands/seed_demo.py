from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from enforcement.demo import DEMO_PASSWORD, seed_core

# Whistles before cases: transfers in the case demo raise whistles, which the whistle demo would then skip.
# Inspections last: their findings open draft cases and raise whistles, which would make those demos skip.
FEATURE_APPS = ["authority", "discretion", "whistles", "cases", "inspections"]


class Command(BaseCommand):
    help = "Create (or complete) the demo district, its people and each feature app's demo data. Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        logins = seed_core()
        for label in FEATURE_APPS:
            if not apps.is_installed(label):
                continue
            try:
                module = import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<24} {login.who}")
