"""Demo data for the dashboards: the aggregates counted once from everything the other seeders made (the city
above the demo district and its supervisor come with the core's demo); afterwards each change keeps them up to
date."""

from __future__ import annotations

from typing import Any

from figures.services import figures_reconcile


def seed(stdout: Any) -> None:
    run = figures_reconcile()
    stdout.write(f"  figures: {run.rows} town-month rows counted in {run.seconds:.1f} s")
