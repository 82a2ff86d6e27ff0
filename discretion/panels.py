"""The app's top-bar entry, home panel and fence rule, registered from AppConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enforcement.home import HomePanel, NavEntry, register_home_panel, register_nav
from enforcement.models import Role, User

# The fence rule on a departure from the benchmark is defined with its check in discretion/fences.py.
DEVIATION_RULE = "discretion.deviation"


def benchmark_panel(request: HttpRequest, user: User) -> dict[str, Any]:
    from .rules import can_maintain_district

    if user.unit is None:
        return {}
    return {
        "counts": _district_counts(user.unit.district_id),
        "maintainer": can_maintain_district(user, user.unit.district_id),
    }


def _district_counts(district_id: int) -> dict[str, int]:
    """The district's benchmark figures, the same for all its people: kept in the cache under the public
    pages' version token (replaced by any change of a benchmark or an item) and the date."""
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from enforcement.public_cache import public_version

    from .selectors import district_counts

    version = public_version()
    day = timezone.localdate().isoformat()
    key = f"home:benchmarks:{connection.settings_dict['NAME']}:{district_id}:{day}:{version}"
    counts = cache.get(key) if version else None
    if counts is None:
        counts = district_counts(district_id)
        if version:
            cache.set(key, counts, 3600)
    return dict(counts)


def register() -> None:
    register_nav(
        NavEntry("discretion", _("Benchmarks"), "discretion-home", order=30, public=True, group="lists")
    )
    register_home_panel(
        HomePanel(
            "discretion",
            "discretion/panels/benchmarks.html",
            40,
            frozenset({Role.SUPERVISOR, Role.DISTRICT_ADMIN, Role.LEGAL_REVIEWER}),
            benchmark_panel,
            kept=lambda ctx: ctx,  # counts and a flag
        )
    )
