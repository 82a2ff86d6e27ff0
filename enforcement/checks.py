from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def demo_mode_in_production(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    if settings.DEMO_MODE:
        return [
            Warning(
                "Running in demo mode (SQLite and/or in-process tasks) with deployment checks.",
                hint="Set DATABASE_URL to PostgreSQL and CELERY_BROKER_URL/REDIS_URL to Redis.",
                id="enforcement.W001",
            )
        ]
    return []
