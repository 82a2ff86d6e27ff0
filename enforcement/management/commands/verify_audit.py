from django.core.management.base import BaseCommand, CommandError

from enforcement.audit import audit_verify


class Command(BaseCommand):
    help = "Walk the hash-chained audit log and report the first broken row (exit status 1 if any)."

    def handle(self, *args: object, **options: object) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.rows} rows verified."))
            return
        raise CommandError(f"Audit chain broken at {report.first_break} ({report.rows} rows read).")
