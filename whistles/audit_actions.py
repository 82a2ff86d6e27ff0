"""The audit actions whistles write (see enforcement.audit_catalog)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enforcement.audit_catalog import AuditAction, AuditObjectKind, url_by_pk

ACTIONS = (
    AuditAction("whistles.whistle.raise", _("%(actor)s blew the whistle %(object)s")),
    AuditAction("whistles.whistle.add_department", _("%(actor)s called another department to %(object)s")),
    AuditAction("whistles.whistle.add_photo", _("%(actor)s added a photo to %(object)s")),
    AuditAction("whistles.whistle.withdraw", _("%(actor)s withdrew the whistle %(object)s")),
    AuditAction("whistles.whistle.close", _("%(actor)s closed the whistle %(object)s")),
    # A department's steps on its assignment (whistles.workflow.Action), written as
    # whistles.assignment.<step>.
    AuditAction("whistles.assignment.acknowledge", _("%(actor)s checked in for %(object)s")),
    AuditAction("whistles.assignment.arrive", _("%(actor)s arrived on site for %(object)s")),
    AuditAction("whistles.assignment.handle", _("%(actor)s reported %(object)s as handled")),
    AuditAction("whistles.assignment.return", _("%(actor)s returned %(object)s")),
    AuditAction("whistles.assignment.confirm", _("%(actor)s confirmed and rated %(object)s")),
    AuditAction("whistles.assignment.reopen", _("%(actor)s reopened %(object)s as not resolved")),
    AuditAction(
        "whistles.assignment.overrule", _("%(actor)s overruled the return of %(object)s and sent it again")
    ),
    AuditAction("whistles.assignment.uphold", _("%(actor)s upheld the return of %(object)s")),
    AuditAction("whistles.assignment.cancel", _("%(actor)s withdrew %(object)s")),
    # Deadline alerts (whistles.workflow.AlertLevel), written as whistles.assignment.<level>.
    AuditAction(
        "whistles.assignment.remind", _("%(actor)s reminded the department of %(object)s of its deadline")
    ),
    AuditAction("whistles.assignment.overdue", _("%(actor)s marked %(object)s as past its deadline")),
    AuditAction("whistles.assignment.escalate", _("%(actor)s escalated %(object)s to the district")),
    AuditAction("whistles.deadlines.set", _("%(actor)s set the whistle deadlines %(object)s")),
    AuditAction("whistles.demo.seed", _("%(actor)s loaded the demo whistles")),
)


def _assignment_url(object_id: str) -> str | None:
    from django.urls import reverse

    from .models import WhistleAssignment

    whistle = WhistleAssignment.objects.filter(pk=int(object_id) if object_id.isdigit() else 0)
    whistle_id = whistle.values_list("whistle_id", flat=True).first()
    return reverse("whistle-detail", args=[whistle_id]) if whistle_id else None


OBJECTS = (
    AuditObjectKind("whistles.whistlerequest", _("Whistle"), url_by_pk("whistle-detail")),
    AuditObjectKind("whistles.whistleassignment", _("Whistle assignment"), _assignment_url),
)
