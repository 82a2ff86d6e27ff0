"""The catalog of audit actions: one name for each thing the audit trail records, with the sentence it is
shown as.

Names are `<app>.<noun>.<verb>`: the Django app that writes the row, the thing acted on, what was done
(`cases.case.approve_filing`, `whistles.assignment.acknowledge`, `enforcement.certificate.issue`). The core
declares its own actions below; each feature app declares its own in `<app>/audit_actions.py` and registers
them from its `AppConfig.ready()`, so the core imports no feature app. `audit_record` refuses a name that is
not registered (`UnknownAuditAction`), and a test reads every `audit_record` call in the code and checks its
name is here.

Each action has a sentence (gettext, Chinese and English) with two placeholders, `%(actor)s` and `%(object)s`:
"%(actor)s filed case %(object)s" / "%(actor)s批准立案%(object)s". The audit page and the API show every row
so.

Rows written before the catalog keep the names they were written under (`case.create`, `district.create`,
...).
The action is inside each row's hash and the log is append-only: renaming stored rows would break every hash
from the first renamed row on, or mean recomputing the chain, which is the very rewrite of history the
checkpoints exist to catch. So nothing stored is renamed (there is no data migration): an action lists the
names it was formerly written under, and the page, the API and their filters show and accept the catalog name
for old and new rows alike, while the stored name stays as hashed, verifiable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import AuditEvent

NAME = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+$")


class UnknownAuditAction(LookupError):
    """An audit row was written under a name the catalog does not hold."""


@dataclass(frozen=True)
class AuditAction:
    name: str  # <app>.<noun>.<verb>
    sentence: str | Promise  # gettext_lazy, with %(actor)s and %(object)s
    formerly: tuple[str, ...] = ()  # names rows were written under before the catalog (stored as hashed)


_ACTIONS: dict[str, AuditAction] = {}
_FORMERLY: dict[str, str] = {}


def register_audit_actions(*actions: AuditAction) -> None:
    for action in actions:
        if not NAME.match(action.name):
            raise ValueError(f"audit action {action.name!r} is not named <app>.<noun>.<verb>")
        existing = _ACTIONS.get(action.name)
        if existing is not None and existing != action:
            raise ValueError(f"audit action {action.name!r} registered twice with different definitions")
        for old in action.formerly:
            if old in _ACTIONS or _FORMERLY.get(old, action.name) != action.name:
                raise ValueError(f"{old!r} cannot be a former name of {action.name!r}: it is taken")
        _ACTIONS[action.name] = action
        _FORMERLY.update(dict.fromkeys(action.formerly, action.name))


def audit_actions() -> list[AuditAction]:
    return sorted(_ACTIONS.values(), key=lambda a: a.name)


def require_audit_action(name: str) -> AuditAction:
    """The action a new row is written under; a former name or an unknown one raises."""
    try:
        return _ACTIONS[name]
    except KeyError:
        hint = f" (now {_FORMERLY[name]!r})" if name in _FORMERLY else ""
        raise UnknownAuditAction(
            f"audit action {name!r} is not in the catalog{hint}: declare it in the app's audit_actions.py"
        ) from None


def catalog_name(stored: str) -> str:
    """The catalog name a stored row is shown and filtered under (its own name unless it was renamed)."""
    return _FORMERLY.get(stored, stored)


def stored_names(name: str) -> list[str]:
    """Every name rows of this catalog action may be stored under."""
    action = _ACTIONS.get(name)
    return [name, *(action.formerly if action else ())]


def action_filter(name: str, *, prefix: bool = False) -> Q:
    """Rows of the catalog action `name` (or, with prefix, of every action whose catalog name starts with it),
    whatever name they were stored under."""
    if not prefix:
        return Q(action__in=stored_names(name))
    former = [old for old, new in _FORMERLY.items() if new.startswith(name)]
    return Q(action__startswith=name) | Q(action__in=former)


def audit_sentence(event: AuditEvent) -> str:
    """The row as a sentence in the active language."""
    if event.actor_id is not None and event.actor is not None:
        actor = str(event.actor)
    elif event.actor_label and event.actor_label != "system":
        actor = event.actor_label
    else:
        actor = gettext("The system")
    obj = event.object_repr or (f"{event.object_type} #{event.object_id}" if event.object_id else "")
    action = _ACTIONS.get(catalog_name(event.action))
    if action is None:
        return gettext("%(actor)s: %(action)s %(object)s") % {
            "actor": actor,
            "action": event.action,
            "object": obj,
        }
    return str(action.sentence) % {"actor": actor, "object": obj}


CORE_ACTIONS = (
    AuditAction(
        "enforcement.district.create", _("%(actor)s created the district %(object)s"), ("district.create",)
    ),
    AuditAction("enforcement.unit.create", _("%(actor)s created the unit %(object)s"), ("unit.create",)),
    AuditAction("enforcement.user.create", _("%(actor)s created the account %(object)s"), ("user.create",)),
    AuditAction(
        "enforcement.certificate.issue",
        _("%(actor)s recorded the enforcement certificate %(object)s"),
        ("certificate.issue",),
    ),
    AuditAction(
        "enforcement.certificate.revoke",
        _("%(actor)s revoked the enforcement certificate %(object)s"),
        ("certificate.revoke",),
    ),
    AuditAction(
        "enforcement.secondment.create",
        _("%(actor)s seconded an officer: %(object)s"),
        ("secondment.create",),
    ),
    AuditAction(
        "enforcement.subject.create", _("%(actor)s registered the party %(object)s"), ("subject.create",)
    ),
    AuditAction(
        "enforcement.fence.raise", _("%(actor)s raised the fence warning %(object)s"), ("fence.raise",)
    ),
    AuditAction(
        "enforcement.fence.review", _("%(actor)s reviewed the fence warning %(object)s"), ("fence.review",)
    ),
    AuditAction("enforcement.fence.resolve", _("%(actor)s marked the fence warning %(object)s resolved")),
    AuditAction("enforcement.fence.escalate", _("%(actor)s escalated the fence warning %(object)s")),
    AuditAction(
        "enforcement.district.set_escalation",
        _("%(actor)s set when open fence warnings of %(object)s escalate"),
    ),
    AuditAction("enforcement.city.create", _("%(actor)s created the city %(object)s")),
    AuditAction("enforcement.district.set_city", _("%(actor)s put the district %(object)s under a city")),
    AuditAction("enforcement.fence.sweep", _("%(actor)s ran the fence sweep %(object)s")),
    AuditAction(
        "enforcement.fence.proceed",
        _("%(actor)s gave a reason and went on past the fence warning %(object)s"),
    ),
    AuditAction("enforcement.fence.refuse", _("%(actor)s was refused by the fence %(object)s")),
    AuditAction("enforcement.fence_setting.change", _("%(actor)s changed the fence rule setting %(object)s")),
)


# --- the kinds of object rows are about: a name for the filter and a page to open ---


@dataclass(frozen=True)
class AuditObjectKind:
    """A kind of object audit rows are written about (`object_type`, the model's label_lower): its name for
    the audit page's filter and, given a stored object id, the address of the page that shows it (None when
    there is none, e.g. the object is gone). `url` may query: it runs only when a reader follows the link."""

    object_type: str
    label: str | Promise
    url: Callable[[str], str | None] | None = None


_OBJECT_KINDS: dict[str, AuditObjectKind] = {}


def register_audit_objects(*kinds: AuditObjectKind) -> None:
    for kind in kinds:
        _OBJECT_KINDS[kind.object_type] = kind


def audit_object_kinds() -> list[AuditObjectKind]:
    return sorted(_OBJECT_KINDS.values(), key=lambda k: k.object_type)


def audit_object_kind(object_type: str) -> AuditObjectKind | None:
    return _OBJECT_KINDS.get(object_type)


def url_by_pk(url_name: str) -> Callable[[str], str | None]:
    """The common case: the object's page takes its primary key."""

    def url(object_id: str) -> str | None:
        return reverse(url_name, args=[int(object_id)]) if object_id.isdigit() else None

    return url


CORE_OBJECTS = (
    AuditObjectKind("enforcement.district", _("District")),
    AuditObjectKind("enforcement.unit", _("Unit")),
    AuditObjectKind("enforcement.user", _("Account")),
    AuditObjectKind("enforcement.certificate", _("Enforcement certificate")),
    AuditObjectKind("enforcement.secondment", _("Secondment")),
    AuditObjectKind("enforcement.subject", _("Party")),
    AuditObjectKind("enforcement.fencewarning", _("Fence warning")),
)
