"""What officers are told about their cases, in the in-app inbox they already read for whistles
(enforcement.notifications): a handling officer asked to declare on recusal (filing waits on it), a request
sent back by the supervisor or the legal reviewer, a request approved (by whom, and what comes next), a
deadline within 2 working days.

Each is written inside the step's transaction with a key, so a step retried or a sweep run twice writes it
once; the text is made when it is read, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement import notifications as inbox
from enforcement.calendar import SOON_WORKING_DAYS, add_working_days
from enforcement.deadline_text import deadline_words
from enforcement.models import User

from .deadlines import LABELS, next_due_key
from .models import Case
from .workflow import FINISHED, Action, Stage

RETURNS = (Action.REJECT_FILING, Action.RETURN_REVIEW, Action.RETURN_DECISION)
SWEEP_BATCH = 500


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return str(getattr(user, "full_name", "") or user.get_full_name() or user.username)


def _base(case: Case) -> dict[str, Any]:
    """What every one of them stores: the case's number (a lead has none yet: its reference is said in the
    reader's language when read), title and page."""
    return {
        "number": case.number,
        "id": case.pk,
        "title": case.title,
        "link": reverse("cases:case", args=[case.pk]),
    }


def _ref(p: Mapping[str, Any]) -> str:
    return str(p.get("number") or _("Lead %(id)s") % {"id": p.get("id", "")})


def _handlers(case: Case) -> list[User]:
    return [row.officer for row in case.officers.select_related("officer").filter(recused_at__isnull=True)]


# --- how each reads -----------------------------------------------------------------------------------------


def _sentences(first: str, second: str) -> str:
    """Two sentences: no space after a Chinese full stop."""
    if not second:
        return first
    return f"{first}{second}" if first.endswith("。") else f"{first} {second}"


def _render_declare(p: Mapping[str, Any]) -> str:
    return _(
        "%(ref)s (%(title)s): you are a handling officer. Declare on recusal (回避声明) on the case page: "
        "filing waits on your declaration."
    ) % {"ref": _ref(p), "title": p["title"]}


def _render_returned(p: Mapping[str, Any]) -> str:
    action = str(Action(p["action"]).label)
    text = _("%(who)s sent %(ref)s back (%(action)s).") % {
        "who": p["actor"],
        "ref": _ref(p),
        "action": action,
    }
    return _sentences(text, str(p.get("note") or ""))


def _render_decided(p: Mapping[str, Any]) -> str:
    due = dt.date.fromisoformat(p["due"]) if p.get("due") else None
    text = _("%(who)s approved the decision on %(ref)s.") % {"who": p["actor"], "ref": _ref(p)}
    if due is None:
        return text
    return _sentences(text, deadline_words(due, str(LABELS["service"])))


# What was approved, and what the officers do next (the decision's own notice says when to serve it).
APPROVED: dict[str, tuple[Any, Any]] = {
    Action.APPROVE_FILING: (gettext_lazy("filing"), gettext_lazy("Investigate the case.")),
    Action.PASS_REVIEW: (
        gettext_lazy("legal review"),
        gettext_lazy("It goes to the supervisor for decision."),
    ),
    Action.DECIDE_NO_PENALTY: (gettext_lazy("no penalty"), gettext_lazy("The case is closed.")),
    Action.CLOSE: (gettext_lazy("closing"), gettext_lazy("The file waits for archiving.")),
    Action.ARCHIVE: (gettext_lazy("archiving"), gettext_lazy("Nothing is left to do.")),
}


def _render_approved(p: Mapping[str, Any]) -> str:
    asked, then = APPROVED[p["action"]]
    text = _("%(who)s approved %(asked)s: %(ref)s (%(title)s).") % {
        "who": p["actor"],
        "asked": str(asked),
        "ref": _ref(p),
        "title": p["title"],
    }
    text = _sentences(text, str(then))
    if p.get("due"):
        label = str(LABELS.get(p.get("label", ""), ""))
        text = _sentences(text, deadline_words(dt.date.fromisoformat(p["due"]), label))
    return text


def _render_due(p: Mapping[str, Any]) -> str:
    due = dt.date.fromisoformat(p["due"])
    label = str(LABELS.get(p.get("label", ""), ""))
    return _("%(ref)s: %(deadline)s") % {"ref": _ref(p), "deadline": deadline_words(due, label)}


def _render_publish_due(p: Mapping[str, Any]) -> str:
    due = dt.date.fromisoformat(p["due"])
    deadline = deadline_words(due, str(_("Publication deadline (art 48)")))
    return _("%(ref)s: %(deadline)s. The decision is published when it is served: serve it in time.") % {
        "ref": _ref(p),
        "deadline": deadline,
    }


def register() -> None:
    inbox.register_kind("case.publish_due", _render_publish_due)
    inbox.register_kind("case.declare", _render_declare)
    inbox.register_kind("case.returned", _render_returned)
    inbox.register_kind("case.decided", _render_decided)
    inbox.register_kind("case.approved", _render_approved)
    inbox.register_kind("case.due_soon", _render_due)


# --- when ---------------------------------------------------------------------------------------------------


def notify_declarations(case: Case, *, actor: User | None) -> int:
    """The handling officers who have not declared on recusal yet (not the one who assigned them): the case
    cannot be filed until every one has."""
    written = 0
    pending = case.officers.select_related("officer").filter(
        recused_at__isnull=True, declared_at__isnull=True
    )
    for row in pending:
        written += inbox.notify(
            [row.officer],
            "case.declare",
            params=_base(case),
            key=f"case:{case.pk}:declare:{row.pk}",
            exclude=actor,
        )
    return written


def notify_step(case: Case, *, action: str, actor: User, event_id: int, note: str = "") -> int:
    """After a step: a request sent back, or one approved (filing, legal review, decision, closing,
    archiving), tells the handling officers who acted and what they do next."""
    if action in RETURNS:
        params = {**_base(case), "actor": _person(actor), "action": action, "note": note[:300]}
        kind = "case.returned"
    elif action == Action.DECIDE:
        due = case.service_due.isoformat() if case.service_due else ""
        params = {**_base(case), "actor": _person(actor), "due": due}
        kind = "case.decided"
    elif action in APPROVED:
        params = {**_base(case), "actor": _person(actor), "action": action}
        if action == Action.APPROVE_FILING and case.next_due:
            params |= {"due": case.next_due.isoformat(), "label": next_due_key(case)}
        kind = "case.approved"
    else:
        return 0
    key = f"case:{case.pk}:event:{event_id}"
    return inbox.notify(_handlers(case), kind, params=params, key=key, exclude=actor)


def notify_publication_due(*, today: dt.date, limit: int = SWEEP_BATCH) -> int:
    """Decisions to be published within 7 working days of the decision (art 48) that are not yet, 2 working
    days before the end or later: the handling officers and the town's supervisors are told, once per case
    and date."""
    from enforcement.models import ROLE_GROUP_PREFIX, Role

    horizon = add_working_days(today, SOON_WORKING_DAYS)
    cases = (
        Case.objects.filter(publication_due__lte=horizon, published_on__isnull=True, stage=Stage.DECIDED)
        .select_related("town")
        .order_by("publication_due", "pk")[:limit]
    )
    written = 0
    for case in cases:
        assert case.publication_due is not None
        supervisors = User.objects.filter(
            unit_id=case.town_id, is_active=True, groups__name=f"{ROLE_GROUP_PREFIX}{Role.SUPERVISOR}"
        )
        written += inbox.notify(
            [*_handlers(case), *supervisors],
            "case.publish_due",
            params={**_base(case), "due": case.publication_due.isoformat()},
            key=f"case:{case.pk}:publish:{case.publication_due.isoformat()}",
        )
    return written


def notify_due_soon(*, today: dt.date, limit: int = SWEEP_BATCH) -> int:
    """The sweep: open cases whose current deadline falls within the next 2 working days tell their handling
    officers, once per case, deadline and date. Bounded; the nearest deadlines first."""
    horizon = add_working_days(today, SOON_WORKING_DAYS)
    cases = (
        Case.objects.filter(next_due__gte=today, next_due__lte=horizon)
        .exclude(stage__in=FINISHED)
        .order_by("next_due", "pk")[:limit]
    )
    written = 0
    for case in cases:
        assert case.next_due is not None
        label = next_due_key(case)
        written += inbox.notify(
            _handlers(case),
            "case.due_soon",
            params={**_base(case), "due": case.next_due.isoformat(), "label": label},
            key=f"case:{case.pk}:due:{case.stage}:{case.next_due.isoformat()}",
        )
    return written
