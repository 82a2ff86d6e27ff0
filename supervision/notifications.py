"""New warnings of severity warning and above reach the town's supervisors, and escalated ones the district's
administrators or the city's supervisors, through the whistles' in-app channel (the bell; external senders
too when registered).

`on_warnings` is called by the core inside the transaction that raised or escalated the warnings
(enforcement.fences.warnings_event): a warning is raised once (unique key) and escalated once (conditional
update), so each notification is written once, and not at all if the change rolls back."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from enforcement import fences
from enforcement.models import FenceWarning, Role, User
from enforcement.sweeps import warning_message
from whistles.models import Notification
from whistles.notifications import district_admins, notify, register_notification_kind

from .facts import rule_label

NOTIFYING = frozenset({FenceWarning.Severity.WARNING, FenceWarning.Severity.BLOCK})

KIND_RAISED = "fence_raised"
KIND_DISTRICT = "fence_escalated_district"
KIND_CITY = "fence_escalated_city"


def _link(notification: Notification) -> str:
    pk = notification.params.get("warning")
    return reverse("desk-warning", args=[pk]) if isinstance(pk, int) else reverse("desk")


def register_kinds() -> None:
    register_notification_kind(
        KIND_RAISED, _("Fence warning in %(town)s: %(rule)s — %(message)s. Review it on the desk."), _link
    )
    register_notification_kind(
        KIND_DISTRICT,
        _("Escalated to the district: a fence warning in %(town)s has been open too long (%(rule)s)."),
        _link,
    )
    register_notification_kind(
        KIND_CITY,
        _("Escalated to the city: the district left a fence warning in %(town)s open (%(rule)s)."),
        _link,
    )


def town_supervisors(town_id: int) -> list[User]:
    return list(
        User.objects.filter(
            unit_id=town_id, is_active=True, groups__name=f"role:{Role.SUPERVISOR}"
        ).distinct()
    )


def city_supervisors(city_id: int) -> list[User]:
    return list(
        User.objects.filter(
            city_id=city_id, is_active=True, groups__name=f"role:{Role.CITY_SUPERVISOR}"
        ).distinct()
    )


def on_warnings(event: str, warnings: Sequence[FenceWarning]) -> None:
    supervisors: dict[int, list[User]] = {}  # a sweep's batch raises many in few towns: one query per town
    for warning in warnings:
        if event == fences.RAISED and warning.severity in NOTIFYING:
            if warning.town_id not in supervisors:
                supervisors[warning.town_id] = town_supervisors(warning.town_id)
            _send(supervisors[warning.town_id], KIND_RAISED, warning)
        elif event == fences.ESCALATED_DISTRICT:
            _send(district_admins(warning.town.district_id), KIND_DISTRICT, warning)
        elif event == fences.ESCALATED_CITY:
            city_id = warning.town.district.city_id
            if city_id is not None:
                _send(city_supervisors(city_id), KIND_CITY, warning)


def _sentence(text: str) -> str:
    """The warning's sentence without its closing stop: the notification's own sentence goes on after it."""
    return text.rstrip().rstrip("。．.！!").rstrip()[:200]


def _send(recipients: list[User], kind: str, warning: FenceWarning) -> None:
    if not recipients:
        return
    params: dict[str, object] = {"warning": warning.pk, "town": warning.town.name_zh}
    for code, _name in settings.LANGUAGES:
        # The rule and the warning's sentence in each language, so that an English reader's bell does not
        # quote Chinese (whistles.notifications.render reads "rule@en"); the default language unsuffixed,
        # as notifications have always been stored.
        suffix = "" if code == settings.LANGUAGE_CODE else f"@{code}"
        with translation.override(code):
            params[f"rule{suffix}"] = rule_label(warning.rule)
            params[f"message{suffix}"] = _sentence(warning_message(warning))
    notify(recipients, kind, whistle=None, params=params, exclude=warning.officer)
