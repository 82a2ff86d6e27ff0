"""Publication of penalty decisions (行政处罚决定公开, art 48): a decision is published, redacted of
personal data, when it is served (within the district's working days of the decision); a warning-only
decision only where the district publishes those; a decision changed or revoked is withdrawn within days,
with its reason. The public page of a town lists what is published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from enforcement.audit import audit_record
from enforcement.calendar import add_working_days
from enforcement.models import Unit, User
from enforcement.rules import require

from . import clock, document_text, rules
from .models import Case, CaseDocument, CaseEvent, CasePolicy, Procedure


def publishes(case: Case, policy: CasePolicy) -> bool:
    """Whether the decision is published: a penalty by the normal procedure; a warning alone if the district
    says so."""
    if case.procedure != Procedure.NORMAL or not case.penalty_kinds:
        return False
    return policy.publish_warnings or set(case.penalty_kinds) != {"warning"}


def publication_due(decided_on: dt.date, policy: CasePolicy) -> dt.date:
    return add_working_days(decided_on, policy.publication_working_days)


def mask_name(name: str) -> str:
    """A person's name as published: the surname only (张三 → 张*, 欧阳娜娜 → 欧***)."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


@dataclass(frozen=True)
class PublishedDecision:
    number: str
    organ: str
    party: str
    identifier: str
    cause: str
    facts: str
    basis: str
    penalty: str
    decided_on: dt.date | None
    published_on: dt.date | None


def published_for(town: Unit) -> QuerySet[Case]:
    numbered = CaseDocument.objects.filter(kind=CaseDocument.Kind.DECISION).exclude(number="")
    return (
        Case.objects.filter(town=town, published_on__isnull=False, unpublished_on__isnull=True)
        .select_related("town", "item")
        .prefetch_related(Prefetch("documents", queryset=numbered, to_attr="decision_documents"))
        .order_by("-published_on", "-pk")
    )


def redacted(case: Case) -> PublishedDecision:
    """The decision as the public sees it: a person's name reduced to the surname, no ID number, address or
    contact; an organisation's name and credit code as registered (they are public anyway)."""
    from .documents import _cause, _penalty_text

    organisation = case.party_kind == "organisation"
    party = case.party_name if organisation else mask_name(case.party_name)
    facts = document_text.findings_text(case)
    if not organisation and case.party_name:
        facts = facts.replace(case.party_name, party)
    if case.party_identifier:
        facts = facts.replace(case.party_identifier, "*" * 6)
    documents = getattr(case, "decision_documents", None)
    if documents is None:
        documents = list(
            CaseDocument.objects.filter(case=case, kind=CaseDocument.Kind.DECISION).exclude(number="")
        )
    number = documents[0].number if documents else ""
    return PublishedDecision(
        number=number or case.number,
        organ=document_text.organ_name(case),
        party=party,
        identifier=case.party_identifier if organisation else "",
        cause=_cause(case),
        facts=facts,
        basis=case.item.legal_basis if case.item else "",
        penalty=_penalty_text(case, case.penalty_kinds, case.fine),
        decided_on=case.decided_on,
        published_on=case.published_on,
    )


@transaction.atomic
def publication_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    """Take a published decision down (changed, revoked or annulled); the reason is kept and audited."""
    require(rules.can_withdraw_publication(actor, case), "you may not withdraw this publication")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.published_on is None or locked.unpublished_on is not None:
        from django.core.exceptions import ValidationError

        raise ValidationError(_("This decision is not published."), code="not_published")
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
    case.refresh_from_db()
    return case
