"""How far `scripts/demo` has got building the demo district, kept in a small JSON file that the demo server
reads while it answers every request with a progress page (demo.middleware). The file exists only while the
build runs: `scripts/demo` writes the first step (the database tables), `seed_demo` the rest (when
DEMO_PROGRESS_FILE is set), and the script removes it when the district is ready, or when the build fails (the
script then stops the server)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

PROGRESS_ENV = "DEMO_PROGRESS_FILE"

# The build's steps in order, with the share of the build's time each took on this machine (a fresh clone on
# 2 cores: the static files and tables before the server answers, then the seeders), so the bar moves evenly.
STEPS: dict[str, tuple[Any, int]] = {
    "tables": (_("Creating the database tables"), 6),
    "core": (_("The district, its towns and people"), 2),
    "authority": (_("The towns' lists of powers"), 6),
    "discretion": (_("Discretion benchmarks"), 4),
    "whistles": (_("Whistles and complaints"), 14),
    "cases": (_("Penalty cases, their evidence and documents"), 50),
    "inspections": (_("Joint inspections"), 12),
    "fences": (_("Fence sweeps: the supervisors' warnings"), 1),
    "figures": (_("The district's figures"), 6),
}


def progress_path() -> Path | None:
    value = os.environ.get(PROGRESS_ENV, "")
    return Path(value) if value else None


def report(step: str) -> None:
    """Record that the build is at `step` (a key of STEPS); atomic, so a reader never sees half a file."""
    path = progress_path()
    if path is None:
        return
    keys = list(STEPS)
    before = sum(STEPS[k][1] for k in keys[: keys.index(step)])
    total = sum(weight for _label, weight in STEPS.values())
    payload = {"step": step, "percent": round(100 * before / total), "at": time.time()}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(payload))
    os.replace(temporary, path)


def read() -> dict[str, Any] | None:
    """The build's state, or None when no build is running (no file, or one that cannot be read)."""
    path = progress_path()
    if path is None:
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("step") in STEPS else None
