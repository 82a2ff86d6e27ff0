"""Publication of penalty decisions (行政处罚决定公开, art 48): a decision is published, redacted of
personal data, when it is served (within the district's working days of the decision); a warning-only
decision only where the district publishes those; a decision changed or revoked is withdrawn within days,
with its reason. The public page of a town lists what is published."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enforcement.audit import audit_record
from enforcement.calendar import add_working_days
from enforcement.models import User
from enforcement.rules import require

from . import clock, rules
from .models import Case, CaseEvent, CasePolicy, Procedure


def publishes(case: Case, policy: CasePolicy) -> bool:
    """Whether the decision is published: a penalty by the normal procedure; a warning alone if the district
    says so."""
    if case.procedure != Procedure.NORMAL or not case.penalty_kinds:
        return False
    return policy.publish_warnings or set(case.penalty_kinds) != {"warning"}


def publication_due(decided_on: dt.date, policy: CasePolicy) -> dt.date:
    return add_working_days(decided_on, policy.publication_working_days)


def revoked_reason(note: str) -> str:
    return _("The decision was revoked: %(reason)s") % {"reason": note}


def _withdraw(locked: Case, *, actor: User | None, reason: str) -> None:
    """Take `locked` (row-locked by the caller, checked as published) down today: the reason on the case, a
    case event and an audit row. The one writer of a withdrawal, for the supervisor's and the sweep's."""
    today = clock.today()
    Case.objects.filter(pk=locked.pk).update(
        unpublished_on=today, unpublish_reason=reason[:300], version=locked.version + 1
    )
    CaseEvent.objects.create(
        case=locked,
        action="unpublish",
        actor=actor,
        at=clock.now(),
        note=reason,
        data={"on": today.isoformat()},
    )
    audit_record(
        actor=actor,
        action="cases.publication.withdraw",
        obj=locked,
        town=locked.town,
        summary=reason[:200],
        after={"unpublished_on": today.isoformat(), "reason": reason},
    )


def publications_withdraw_revoked(*, limit: int = 200) -> list[int]:
    """The sweep for what a revocation left published (one recorded before this rule, or restored from a
    backup): decisions revoked, still on the public page, taken down with the revocation's reason. Each
    under its row lock, once; audited as the system's. Returns the case ids withdrawn."""
    revoked = (
        CaseEvent.objects.filter(action="revoke_decision")
        .filter(case__published_on__isnull=False, case__unpublished_on__isnull=True)
        .order_by("case_id")
        .values_list("case_id", "note")[:limit]
    )
    done = []
    for case_id, note in revoked:
        with transaction.atomic():
            locked = Case.objects.select_for_update().filter(pk=case_id).first()
            if locked is None or locked.published_on is None or locked.unpublished_on is not None:
                continue  # someone else took it down meanwhile
            _withdraw(locked, actor=None, reason=revoked_reason(note)[:300])
            done.append(locked.pk)
    return done


def mask_name(name: str) -> str:
    """A person's name as published: the surname only (张三 → 张*, 欧阳娜娜 → 欧***)."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


@transaction.atomic
def publication_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    """Take a published decision down (changed, revoked or annulled); the reason is kept and audited."""
    require(rules.can_withdraw_publication(actor, case), "you may not withdraw this publication")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.published_on is None or locked.unpublished_on is not None:
        raise ValidationError(_("This decision is not published."), code="not_published")
    _withdraw(locked, actor=actor, reason=reason)
    case.refresh_from_db()
    return case
