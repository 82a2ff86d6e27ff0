"""The authority's fence sweep (enforcement.sweeps): zombie items, empowered items a town has not used for
the months set. The facts come from the usage evaluation itself (authority.usage.usage_report, the page the
district reads), so the warning and the evaluation never disagree; the rows are inserted with one statement.
Each warning proposes a recovery: a link to start an adjustment draft (收回)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy

from enforcement.fences import FenceRule
from enforcement.models import District
from enforcement.sweeps import MESSAGE_KEY, Sweep, register_sweep

from .usage import UsageStatus, usage_report

ZOMBIE = "authority.zombie_item"

# The sweep's sentences (enforcement.sweeps: "name:arguments"); the desk renders them in the reader's language
# from the arguments kept in the details.
NEVER = "never:town,item,since,months"
IDLE = "idle:town,item,last,months"
MESSAGES = {
    NEVER: gettext_lazy(
        "%(town)s has never used %(item)s since %(since)s (%(months)s months evaluated): "
        "propose recovering it."
    ),
    IDLE: gettext_lazy(
        "%(town)s last used %(item)s on %(last)s, not in the last %(months)s months: propose recovering it."
    ),
}


def zombie_rows(day: dt.date, p_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    districts = District.objects.in_bulk([p["district_id"] for p in p_rows])
    new_adjustment = reverse("authority-adjustment-new")
    for p in p_rows:
        report = usage_report(district=districts[p["district_id"]], end=day, months=int(p["months"]))
        for row in report.zombies:
            last = row.last_used.isoformat() if row.last_used else "never"
            spec = NEVER if row.status == UsageStatus.NEVER else IDLE
            name, _sep, arg_names = spec.partition(":")
            values = {
                "town": str(row.town),
                "item": row.item.code,
                "since": str(row.held_since),
                "last": str(row.last_used),
                "months": str(p["months"]),
            }
            args = [values[a] for a in arg_names.split(",")]
            rows.append(
                {
                    "key": f"item:{row.item.pk}:town:{row.town.pk}:since:{row.held_since}:last:{last}",
                    "town_id": row.town.pk,
                    "district_id": p["district_id"],
                    "officer_id": None,
                    "subject_id": None,
                    "object_type": "authority.authoritygrant",
                    "object_id": str(row.grant.pk),
                    "severity": p["severity"],
                    "message": str(MESSAGES[spec]) % values,  # the default language (run_sweep's)
                    "details": {
                        "item": row.item.pk,
                        "item_code": row.item.code,
                        "status": row.status,
                        "held_since": row.held_since.isoformat(),
                        "last_used": row.last_used.isoformat() if row.last_used else None,
                        "months": p["months"],
                        "proposal": "recover",
                        "url": f"{new_adjustment}?recover={row.item.pk}&town={row.town.pk}",
                        MESSAGE_KEY: {"name": name, "args": args},
                    },
                }
            )
    return rows


def register() -> None:
    register_sweep(
        Sweep(
            rule=FenceRule(
                ZOMBIE,
                gettext_lazy("Empowered item unused (zombie item)"),
                gettext_lazy(
                    "A town has held an empowered item for the months set without using it (no case, no "
                    "inspection): the usage evaluation lists it and the district may recover it."
                ),
                severity="prompt",
                params={"months": 12},
            ),
            table="authority_authoritygrant",
            select="",
            rows=zombie_rows,
            messages=MESSAGES,
            unit_args={"town": ""},
        )
    )
