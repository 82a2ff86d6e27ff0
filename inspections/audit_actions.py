"""The audit actions joint inspections write (see enforcement.audit_catalog)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enforcement.audit_catalog import AuditAction, AuditObjectKind, url_by_pk

ACTIONS = (
    AuditAction("inspections.list.create", _("%(actor)s created the inspection item list %(object)s")),
    AuditAction("inspections.list.publish", _("%(actor)s published the inspection item list %(object)s")),
    AuditAction("inspections.list.withdraw", _("%(actor)s withdrew the inspection item list %(object)s")),
    AuditAction("inspections.item.add", _("%(actor)s added %(object)s to an inspection item list")),
    AuditAction("inspections.point.add", _("%(actor)s added the check point %(object)s")),
    AuditAction("inspections.template.create", _("%(actor)s created the checklist %(object)s")),
    AuditAction("inspections.template.activate", _("%(actor)s put the checklist %(object)s in use")),
    AuditAction("inspections.frequency_policy.set", _("%(actor)s set the inspection caps %(object)s")),
    AuditAction("inspections.whitelist.add", _("%(actor)s put %(object)s on the white list")),
    AuditAction("inspections.task.create", _("%(actor)s planned the inspection %(object)s")),
    AuditAction(
        "inspections.task.template_add", _("%(actor)s added a checklist to the inspection %(object)s")
    ),
    AuditAction(
        "inspections.task.items_add", _("%(actor)s added items of the list to the inspection %(object)s")
    ),
    AuditAction("inspections.task.invite", _("%(actor)s invited a department to the inspection %(object)s")),
    AuditAction("inspections.invitation.accept", _("%(actor)s joined the inspection %(object)s")),
    AuditAction("inspections.invitation.decline", _("%(actor)s declined to join the inspection %(object)s")),
    AuditAction("inspections.task.officers", _("%(actor)s set the inspectors of %(object)s")),
    AuditAction("inspections.task.publish", _("%(actor)s published the inspection %(object)s")),
    AuditAction("inspections.task.approve", _("%(actor)s approved the plan of the inspection %(object)s")),
    AuditAction("inspections.task.cancel", _("%(actor)s cancelled the inspection %(object)s")),
    AuditAction("inspections.task.merge", _("%(actor)s merged the inspection %(object)s into another")),
    AuditAction("inspections.task.merge_in", _("%(actor)s merged another inspection into %(object)s")),
    AuditAction("inspections.task.enter", _("%(actor)s began the on-site check of %(object)s")),
    AuditAction("inspections.visit.record", _("%(actor)s recorded the visit %(object)s")),
    AuditAction("inspections.point.record", _("%(actor)s recorded a check point's result in %(object)s")),
    AuditAction("inspections.point.add_on_site", _("%(actor)s added a check point on site in %(object)s")),
    AuditAction("inspections.task.finish", _("%(actor)s finished the on-site check of %(object)s")),
    AuditAction("inspections.task.findings", _("%(actor)s handled the findings of %(object)s")),
    AuditAction("inspections.task.follow_up", _("%(actor)s planned the follow-up visit %(object)s")),
    AuditAction("inspections.task.close", _("%(actor)s closed the inspection %(object)s")),
    AuditAction("inspections.document.generate", _("%(actor)s made a notice of the inspection %(object)s")),
    AuditAction(
        "inspections.annual_plan.create", _("%(actor)s drew up the annual inspection plan %(object)s")
    ),
    AuditAction(
        "inspections.annual_plan.entry_add", _("%(actor)s added a line to the annual plan %(object)s")
    ),
    AuditAction(
        "inspections.annual_plan.approve", _("%(actor)s approved the annual inspection plan %(object)s")
    ),
    AuditAction(
        "inspections.subject_profile.set", _("%(actor)s set the type, risk level and place of %(object)s")
    ),
)

OBJECTS = (
    AuditObjectKind("inspections.inspectiontask", _("Joint inspection"), url_by_pk("inspection-detail")),
    AuditObjectKind("inspections.annualplan", _("Annual inspection plan"), url_by_pk("inspection-plan")),
)
