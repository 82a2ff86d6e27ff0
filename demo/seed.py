"""The whole demo, in the order the domains need each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from enforcement.audit import linking_deferred

from . import authority, cases, discretion, fences, figures, inspections, whistles
from .core import Login, seed_core
from .progress import report

# The catalog first (everything refers to its items), then the benchmarks (the cases' fines come from them).
# Whistles before cases: transfers in the case demo raise whistles, which the whistle demo would then skip.
SEEDERS: list[tuple[str, Callable[..., None]]] = [
    ("authority", authority.seed),
    ("discretion", discretion.seed),
    ("whistles", whistles.seed),
    ("cases", cases.seed),
    # Inspections last: their findings open draft cases and raise whistles, which would make those demos skip.
    ("inspections", inspections.seed),
]


# Seeders with a small size (every kind of record, fewer of each), for tests and a quick look.
SIZED = {"cases"}


def seed_all(stdout: Any, *, small: bool = False) -> list[Login]:
    """Create (or complete) the demo district and every domain's demo data; returns the logins to print."""
    with linking_deferred():  # thousands of small commits: the audit chain is linked once, at the end
        report("core")
        logins = seed_core()
        for name, seed in SEEDERS:
            report(name)
            if name in SIZED:
                seed(stdout, small=small)
            else:
                seed(stdout)
        # The fence sweeps over everything above (the desk's warnings), as beat would run them.
        report("fences")
        fences.seed(stdout)
        # Last: the dashboards' aggregates, counted from everything above.
        report("figures")
        figures.seed(stdout)
    return logins
