"""The audit actions the authority catalog writes (see enforcement.audit_catalog)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from enforcement.audit_catalog import AuditAction, AuditObjectKind, url_by_pk

ACTIONS = (
    AuditAction("authority.catalog.import", _("%(actor)s imported the catalog of %(object)s")),
    AuditAction("authority.item.create", _("%(actor)s added the enforcement item %(object)s to the catalog")),
    AuditAction("authority.item.revise", _("%(actor)s revised the enforcement item %(object)s")),
    AuditAction("authority.grant.create", _("%(actor)s granted the power %(object)s")),
    AuditAction("authority.grant.end", _("%(actor)s ended the grant %(object)s")),
    AuditAction("authority.adjustment.create", _("%(actor)s drafted the adjustment %(object)s")),
    AuditAction("authority.adjustment.line_add", _("%(actor)s added a line to the adjustment %(object)s")),
    AuditAction(
        "authority.adjustment.line_remove", _("%(actor)s removed a line from the adjustment %(object)s")
    ),
    AuditAction("authority.adjustment.update", _("%(actor)s edited the draft adjustment %(object)s")),
    AuditAction(
        "authority.adjustment.propose_recovery",
        _("%(actor)s proposed recovering unused items in the adjustment %(object)s"),
    ),
    AuditAction("authority.adjustment.approve", _("%(actor)s approved the adjustment %(object)s")),
    AuditAction("authority.adjustment.reject", _("%(actor)s rejected the adjustment %(object)s")),
    AuditAction("authority.match_rule.create", _("%(actor)s added the matching rule %(object)s")),
    AuditAction("authority.match_rule.update", _("%(actor)s edited the matching rule %(object)s")),
    AuditAction("authority.match_rule.delete", _("%(actor)s deleted the matching rule %(object)s")),
    AuditAction("authority.lexicon_entry.create", _("%(actor)s added the lexicon entry %(object)s")),
    AuditAction("authority.lexicon_entry.update", _("%(actor)s edited the lexicon entry %(object)s")),
    AuditAction("authority.lexicon_entry.delete", _("%(actor)s deleted the lexicon entry %(object)s")),
    AuditAction("authority.lexicon_entry.load", _("%(actor)s loaded lexicon entries %(object)s")),
    AuditAction("authority.match_rule.load", _("%(actor)s loaded matching rules %(object)s")),
)

OBJECTS = (
    AuditObjectKind("authority.enforcementitem", _("Enforcement item"), url_by_pk("authority-item")),
    AuditObjectKind("authority.adjustment", _("Authority adjustment"), url_by_pk("authority-adjustment")),
    AuditObjectKind("authority.authoritygrant", _("Authority grant")),
)
