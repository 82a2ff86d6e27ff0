from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import calendar, clock
from .home import bottom_nav_for, nav_bar, nav_for
from .models import Role


def site(request: HttpRequest) -> dict[str, Any]:
    nav_entries = nav_for(getattr(request, "user", None))
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "DEMO_DATABASE": settings.DEMO_DATABASE,
        "DEMO_TASKS": settings.DEMO_TASKS,
        "nav_entries": nav_entries,
        "nav_bar": partial(nav_bar, nav_entries),  # called by the template only when the bar is rendered
        "bottom_entries": bottom_nav_for(getattr(request, "user", None)),
        "holiday_schedule_missing": _holiday_schedule_missing(request),
    }


def _holiday_schedule_missing(request: HttpRequest) -> int | None:
    """For district administrators: the year whose State Council holiday schedule should be loaded now."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_role(Role.DISTRICT_ADMIN):
        return None
    return calendar.schedule_missing_for(clock.today())
