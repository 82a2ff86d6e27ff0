from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def demo_mode_in_production(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEMO_MODE:
        return [
            Warning(
                "Running in demo mode (SQLite and/or in-process tasks) with deployment checks.",
                hint="Set DATABASE_URL to PostgreSQL and CELERY_BROKER_URL/REDIS_URL to Redis.",
                id="enforcement.W001",
            )
        ]
    return []
