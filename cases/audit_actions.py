"""The audit actions cases write (see enforcement.audit_catalog): complaints, cases and each step of a
case."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from enforcement.audit_catalog import AuditAction, AuditObjectKind, url_by_pk

ACTIONS = (
    AuditAction("cases.complaint.create", _("%(actor)s received the complaint %(object)s")),
    AuditAction("cases.complaint.match", _("%(actor)s matched the complaint %(object)s to the catalog")),
    AuditAction("cases.complaint.rematch", _("%(actor)s matched the complaint %(object)s again")),
    AuditAction(
        "cases.complaint.label", _("%(actor)s said which enforcement items the complaint %(object)s names")
    ),
    AuditAction("cases.case.create", _("%(actor)s recorded the lead %(object)s"), ("case.create",)),
    AuditAction("cases.case.update", _("%(actor)s edited the case %(object)s"), ("case.update",)),
    AuditAction(
        "cases.case.set_officers", _("%(actor)s set the officers of case %(object)s"), ("case.officers",)
    ),
    AuditAction(
        "cases.case.declare", _("%(actor)s declared on recusal in case %(object)s"), ("case.declare",)
    ),
    AuditAction(
        "cases.document.generate",
        _("%(actor)s generated the document %(object)s"),
        ("case.document_generate",),
    ),
    AuditAction("cases.evidence.add", _("%(actor)s added the evidence %(object)s"), ("case.evidence_add",)),
    AuditAction(
        "cases.record.create",
        _("%(actor)s made the signed on-site record %(object)s"),
    ),
    AuditAction(
        "cases.evidence.verify", _("%(actor)s checked the evidence %(object)s"), ("case.evidence_verify",)
    ),
    # The steps of a case (cases.workflow.Action), written by case_act as cases.case.<step>.
    AuditAction(
        "cases.case.start_check", _("%(actor)s started checking the case %(object)s"), ("case.start_check",)
    ),
    AuditAction(
        "cases.case.propose_filing",
        _("%(actor)s proposed filing the case %(object)s"),
        ("case.propose_filing",),
    ),
    AuditAction(
        "cases.case.approve_filing", _("%(actor)s filed the case %(object)s"), ("case.approve_filing",)
    ),
    AuditAction(
        "cases.case.reject_filing",
        _("%(actor)s sent the case %(object)s back to checking"),
        ("case.reject_filing",),
    ),
    AuditAction(
        "cases.case.decline_filing",
        _("%(actor)s decided not to file the case %(object)s"),
        ("case.decline_filing",),
    ),
    AuditAction(
        "cases.case.order_correction",
        _("%(actor)s ordered correction in the case %(object)s"),
        ("case.order_correction",),
    ),
    AuditAction(
        "cases.case.confirm_correction",
        _("%(actor)s found the case %(object)s corrected and closed it without penalty"),
        ("case.confirm_correction",),
    ),
    AuditAction(
        "cases.case.correction_failed",
        _("%(actor)s recorded that the case %(object)s was not corrected"),
        ("case.correction_failed",),
    ),
    AuditAction(
        "cases.case.serve_notice",
        _("%(actor)s served the notice of proposed penalty in the case %(object)s"),
        ("case.serve_notice",),
    ),
    AuditAction(
        "cases.case.record_statement",
        _("%(actor)s recorded the party's statement in the case %(object)s"),
        ("case.record_statement",),
    ),
    AuditAction(
        "cases.case.waive_rights",
        _("%(actor)s recorded that the party in the case %(object)s waives statement and hearing"),
        ("case.waive_rights",),
    ),
    AuditAction(
        "cases.case.request_hearing",
        _("%(actor)s recorded a hearing request in the case %(object)s"),
        ("case.request_hearing",),
    ),
    AuditAction(
        "cases.case.schedule_hearing",
        _("%(actor)s scheduled the hearing of the case %(object)s"),
        ("case.schedule_hearing",),
    ),
    AuditAction(
        "cases.case.finish_hearing",
        _("%(actor)s recorded the hearing held in the case %(object)s"),
        ("case.finish_hearing",),
    ),
    AuditAction(
        "cases.case.submit_for_decision",
        _("%(actor)s submitted the case %(object)s for decision"),
        ("case.submit_for_decision",),
    ),
    AuditAction(
        "cases.case.pass_review",
        _("%(actor)s approved the case %(object)s in legal review"),
        ("case.pass_review",),
    ),
    AuditAction(
        "cases.case.end_reply_period",
        _("%(actor)s moved the case %(object)s on to its decision deadline: the reply period ran out"),
    ),
    AuditAction(
        "cases.publication.withdraw",
        _("%(actor)s withdrew the published decision of case %(object)s"),
    ),
    AuditAction(
        "cases.case.return_decision",
        _("%(actor)s sent the case %(object)s back for further investigation"),
        ("case.return_decision",),
    ),
    AuditAction(
        "cases.case.return_review",
        _("%(actor)s sent the case %(object)s back from legal review"),
        ("case.return_review",),
    ),
    AuditAction(
        "cases.case.decide", _("%(actor)s decided the penalty in the case %(object)s"), ("case.decide",)
    ),
    AuditAction(
        "cases.case.decide_no_penalty",
        _("%(actor)s decided no penalty in the case %(object)s"),
        ("case.decide_no_penalty",),
    ),
    AuditAction(
        "cases.case.serve_decision",
        _("%(actor)s recorded service of the decision in the case %(object)s"),
        ("case.serve_decision",),
    ),
    AuditAction(
        "cases.case.record_payment",
        _("%(actor)s recorded payment in the case %(object)s"),
        ("case.record_payment",),
    ),
    AuditAction(
        "cases.case.record_enforcement",
        _("%(actor)s recorded compulsory execution in the case %(object)s"),
        ("case.record_enforcement",),
    ),
    AuditAction("cases.case.close", _("%(actor)s closed the case %(object)s"), ("case.close",)),
    AuditAction("cases.case.archive", _("%(actor)s archived the case %(object)s"), ("case.archive",)),
    AuditAction(
        "cases.case.on_spot", _("%(actor)s decided the case %(object)s on the spot"), ("case.on_spot",)
    ),
    AuditAction(
        "cases.case.transfer",
        _("%(actor)s transferred the case %(object)s to a department"),
        ("case.transfer",),
    ),
    AuditAction("cases.case.withdraw", _("%(actor)s withdrew the case %(object)s"), ("case.withdraw",)),
    AuditAction("cases.case.revoke_decision", _("%(actor)s revoked the decision of the case %(object)s")),
    AuditAction(
        "cases.case.pause", _("%(actor)s paused the decision period of the case %(object)s"), ("case.pause",)
    ),
    AuditAction(
        "cases.case.resume",
        _("%(actor)s resumed the decision period of the case %(object)s"),
        ("case.resume",),
    ),
    AuditAction(
        "cases.case.extend",
        _("%(actor)s extended the decision period of the case %(object)s by 30 days"),
        ("case.extend",),
    ),
)


def _case_of(model_name: str) -> Callable[[str], str | None]:
    def url(object_id: str) -> str | None:
        from django.apps import apps
        from django.urls import reverse

        model = apps.get_model("cases", model_name)
        case_id = model.objects.filter(pk=int(object_id) if object_id.isdigit() else 0)
        found = case_id.values_list("case_id", flat=True).first()
        return reverse("cases:case", args=[found]) if found else None

    return url


OBJECTS = (
    AuditObjectKind("cases.complaint", _("Complaint"), url_by_pk("cases:complaint")),
    AuditObjectKind("cases.case", _("Case"), url_by_pk("cases:case")),
    AuditObjectKind("cases.evidence", _("Evidence"), _case_of("Evidence")),
    AuditObjectKind("cases.casedocument", _("Case document"), _case_of("CaseDocument")),
    AuditObjectKind("cases.onsiterecord", _("On-site record"), _case_of("OnSiteRecord")),
)
