"""The public view of published penalty decisions (行政处罚决定公开, art 48): which are published, and each as
the public sees it, redacted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from enforcement.models import Unit

from . import document_text
from .documents import _cause, _penalty_text
from .models import Case, CaseDocument
from .publication import mask_name


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
