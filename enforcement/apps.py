import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("enforcement")


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers system checks)
        from .audit_catalog import CORE_ACTIONS, register_audit_actions
        from .panels import register

        register()
        register_audit_actions(*CORE_ACTIONS)

        if settings.DEMO_MODE:
            parts = []
            if settings.DEMO_DATABASE:
                parts.append("SQLite file database (set DATABASE_URL for PostgreSQL)")
            if settings.DEMO_TASKS:
                parts.append("Celery tasks run in-process (set CELERY_BROKER_URL or REDIS_URL for workers)")
            logger.warning("DEMO MODE: %s", "; ".join(parts))
