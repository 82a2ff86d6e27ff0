from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .home import nav_for


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "DEMO_DATABASE": settings.DEMO_DATABASE,
        "DEMO_TASKS": settings.DEMO_TASKS,
        "nav_entries": nav_for(getattr(request, "user", None)),
    }
