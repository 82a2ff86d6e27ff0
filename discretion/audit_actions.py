"""The audit actions discretion benchmarks write (see enforcement.audit_catalog)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enforcement.audit_catalog import AuditAction, AuditObjectKind, url_by_pk

ACTIONS = (
    AuditAction("discretion.benchmark.generate", _("%(actor)s generated the benchmark %(object)s")),
    AuditAction("discretion.benchmark.draft", _("%(actor)s drafted the benchmark %(object)s")),
    AuditAction("discretion.benchmark.save", _("%(actor)s saved the benchmark %(object)s")),
    AuditAction("discretion.benchmark.discard", _("%(actor)s discarded the draft benchmark %(object)s")),
    AuditAction("discretion.benchmark.confirm", _("%(actor)s confirmed the generated benchmark %(object)s")),
    AuditAction("discretion.benchmark.publish", _("%(actor)s published the benchmark %(object)s")),
    AuditAction("discretion.benchmark.retire", _("%(actor)s retired the benchmark %(object)s")),
    AuditAction("discretion.benchmark.withdraw", _("%(actor)s withdrew the benchmark %(object)s")),
    AuditAction("discretion.factor.save", _("%(actor)s saved the discretion factor %(object)s")),
    AuditAction("discretion.policy.update", _("%(actor)s changed the discretion policy %(object)s")),
    AuditAction("discretion.table.import", _("%(actor)s imported benchmark tables")),
)

OBJECTS = (
    AuditObjectKind("discretion.benchmark", _("Discretion benchmark"), url_by_pk("discretion-benchmark")),
)
