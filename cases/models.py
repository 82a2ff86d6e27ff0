"""Penalty cases (行政处罚案件) and their intake.

Complaints (投诉举报: the 12345 hotline, walk-ins) are leads that may become cases. A case carries its
officers, its timeline, its evidence and its documents. Money is Decimal yuan with two places; dates of legal
acts are dates (the law counts days); moments are aware datetimes. Nothing here has side effects: the services
(`complaints.py`, `lifecycle.py`, `evidence.py`, `documents.py`) write every change, in one transaction with
its timeline event and audit row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from authority.models import EnforcementItem
from enforcement.access import TownOwnedQuerySet
from enforcement.choices import ChoiceLabels
from enforcement.models import District, Subject, Unit, User

from .workflow import FINISHED, Action, Stage


class ComplaintQuerySet(TownOwnedQuerySet["Complaint"]):
    district_field = "district"


class Complaint(ChoiceLabels, models.Model):
    """A citizen's complaint or report, matched to enforcement items (in bulk by a worker)."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("12345 hotline")
        WALK_IN = "walk_in", _("Walk-in")
        ONLINE = "online", _("Online")
        OTHER = "other", _("Other")

    class MatchStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be matched")
        MATCHED = "matched", _("Matched")
        NO_MATCH = "no_match", _("No enforcement item")
        FAILED = "failed", _("Matching failed")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("town")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.HOTLINE)
    external_id = models.CharField(_("ticket number"), max_length=64, blank=True)
    text = models.TextField(_("complaint"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    match_status = models.CharField(
        _("matching"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    match_result = models.JSONField(_("matching result"), null=True, blank=True)
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    matcher_version = models.CharField(max_length=64, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint (投诉举报)")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="complaint_ticket_once",
            )
        ]
        indexes = [
            models.Index(fields=["town", "-received_at"]),
            models.Index(fields=["match_status"]),
            # A district administrator's keyset pages (scope on the complaint's own district, issue 18).
            models.Index(fields=["district", "-received_at", "-id"], name="complaint_district_keyset"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id or self.pk}: {self.text[:30]}"


class Source(models.TextChoices):
    PATROL = "patrol", _("Patrol (巡查)")
    COMPLAINT = "complaint", _("Complaint (投诉举报)")
    INSPECTION = "inspection", _("Joint inspection (综合查一次)")
    WHISTLE = "whistle", _("Whistle (吹哨)")
    REFERRAL = "referral", _("Referral (移送)")
    CAMERA = "camera", _("Camera / automatic detection")


class Procedure(models.TextChoices):
    NORMAL = "normal", _("Normal procedure (普通程序)")
    SIMPLE = "simple", _("Simple procedure (简易程序)")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class CaseQuerySet(TownOwnedQuerySet["Case"]):
    district_field = "district"

    def open(self) -> CaseQuerySet:
        return self.exclude(stage__in=FINISHED)


class CaseSequence(models.Model):
    """The last number given per town and year. Numbers are taken under a row lock and never reused."""

    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "year"], name="case_sequence_once")]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.year}: {self.last}"


class DocumentSequence(models.Model):
    """The last 文号 given per town, year and kind of document (告知书 and 决定书 are numbered apart)."""

    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField()
    kind = models.CharField(max_length=24)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "kind"], name="document_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.year}/{self.kind}: {self.last}"


# What a decision imposes, as the case stores it: the kinds, the fine, the amounts it rests on, the
# confiscation and the particulars of the heavier kinds (the API shows them and the audit records their
# changes).
PENALTY_FIELDS = (
    "penalty_kinds",
    "fine",
    "illegal_gains",
    "goods_value",
    "confiscated",
    "confiscated_property",
    "confiscated_value",
    "penalty_particulars",
)


class Case(ChoiceLabels, models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("town"))
    number = models.CharField(_("case number"), max_length=80, blank=True)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("summary"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.PATROL)
    source_ref = models.CharField(_("source reference"), max_length=80, blank=True)
    complaint = models.ForeignKey(
        "cases.Complaint", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    procedure = models.CharField(
        _("procedure"), max_length=8, choices=Procedure.choices, default=Procedure.NORMAL
    )

    # The party (当事人)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    party_kind = models.CharField(
        _("party is a"), max_length=16, choices=PartyKind.choices, default=PartyKind.PERSON
    )
    party_name = models.CharField(_("party name"), max_length=200, blank=True)
    party_identifier = models.CharField(
        _("ID number / unified social credit code"), max_length=32, blank=True
    )
    party_age = models.PositiveSmallIntegerField(_("age (persons)"), null=True, blank=True)
    party_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    party_contact = models.CharField(_("contact"), max_length=100, blank=True)
    party_address = models.CharField(_("party address"), max_length=300, blank=True)

    # The act
    place = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    act_on = models.DateField(_("date of the act"))
    act_continuing = models.BooleanField(_("continuing act"), default=False)
    act_ended_on = models.DateField(_("continuing act ended on"), null=True, blank=True)
    discovered_on = models.DateField(_("discovered on"), default=timezone.localdate)
    description = models.TextField(_("description of the facts"))
    harm_to_life_or_finance = models.BooleanField(
        _("harmed life, health or financial safety"),
        default=False,
        help_text=_("Extends the limitation period from 2 to 5 years (art 36)."),
    )
    match_result = models.JSONField(_("matching suggestions"), default=dict, blank=True)
    # 认定的违法事实: what the agency holds proven, as the notice and the decision state it. Drafted
    # during the investigation, fixed when the notice is served (the decision may not go beyond it, art 44).
    findings = models.TextField(_("facts found (认定的违法事实)"), blank=True)
    item = models.ForeignKey(
        EnforcementItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("enforcement item"),
    )
    other_items = models.ManyToManyField(
        EnforcementItem, blank=True, related_name="+", verbose_name=_("other rules the act also breaks")
    )
    acting_name = models.CharField(_("decided in the name of"), max_length=200, blank=True)
    grant_kind = models.CharField(_("authority"), max_length=16, blank=True)
    facts = models.JSONField(_("facts for the benchmark"), default=dict, blank=True)

    # Lifecycle
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    stage_changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(
        default=1, help_text="bumped by every change; a stale form is refused"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    check_due = models.DateField(_("check due"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    paused_since = models.DateField(null=True, blank=True)
    pause_reason = models.CharField(max_length=32, blank=True)
    extended = models.BooleanField(_("extended by 30 days"), default=False)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    next_due = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)

    # Order to correct (责令改正, art 28/33)
    correction_due = models.DateField(_("correct by"), null=True, blank=True)
    no_penalty_basis = models.CharField(max_length=32, blank=True)

    # Notice (告知, art 44) and the party's answer
    notice_served_on = models.DateField(_("notice served on"), null=True, blank=True)
    proposed_kinds = models.JSONField(_("proposed penalty"), default=list, blank=True)
    proposed_fine = models.DecimalField(
        _("proposed fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    hearing_offered = models.BooleanField(_("hearing right given"), default=False)
    reply_due = models.DateField(_("statement / hearing request due"), null=True, blank=True)
    rights_waived = models.BooleanField(_("party waived statement and hearing"), default=False)
    statement_made = models.BooleanField(_("party made a statement or defence"), default=False)
    hearing_requested_on = models.DateField(null=True, blank=True)
    hearing_on = models.DateField(_("hearing date"), null=True, blank=True)
    hearing_held_on = models.DateField(null=True, blank=True)

    # Legal review (法制审核, art 58)
    review_required = models.BooleanField(_("legal review required"), default=False)
    review_reasons = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_opinion = models.TextField(_("legal review opinion"), blank=True)
    # {point: {"ok": bool, "note": str}} for the points of `review.POINTS` (主体, 事实, 证据 ...).
    review_checklist = models.JSONField(_("legal review checklist"), default=dict, blank=True)

    # Decision (决定, art 57)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    penalty_kinds = models.JSONField(_("penalty"), default=list, blank=True)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    # What the officer found and what is taken: the illegal gains and the value of the goods are the bases of
    # fines by multiples (倍数) and of the hearing right for large confiscations (art 63); the gains
    # confiscated are paid like the fine; confiscated property is listed with its value.
    illegal_gains = models.DecimalField(
        _("illegal gains (违法所得, yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    goods_value = models.DecimalField(
        _("value of the goods (货值金额, yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscated = models.DecimalField(
        _("illegal gains confiscated (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscated_property = models.TextField(_("illegal property confiscated"), blank=True)
    confiscated_value = models.DecimalField(
        _("value of the property confiscated (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    penalty_particulars = models.JSONField(
        _("particulars of the penalty"),
        default=dict,
        blank=True,
        help_text="{kind: text}: which permit, what is closed, for how long "
        "(authority.penalties.PARTICULAR_KINDS)",
    )
    tier = models.CharField(_("benchmark tier"), max_length=32, blank=True)
    recommendation = models.JSONField(_("benchmark recommendation"), default=dict, blank=True)
    deviation_kind = models.CharField(max_length=24, blank=True)
    deviation_reason = models.TextField(_("reason for departing from the benchmark"), blank=True)
    service_due = models.DateField(_("service due"), null=True, blank=True)
    served_on = models.DateField(_("served on"), null=True, blank=True)
    service_method = models.CharField(_("service method"), max_length=24, blank=True)
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    amount_paid = models.DecimalField(
        _("amount paid (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    late_fee = models.DecimalField(
        _("late fee (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    payment_channel = models.CharField(_("paid through"), max_length=16, blank=True)
    # 行政处罚决定公开 (art 48): published redacted within the policy's working days; withdrawn if changed.
    published_on = models.DateField(_("decision published on"), null=True, blank=True)
    publication_due = models.DateField(_("publish by"), null=True, blank=True)
    unpublished_on = models.DateField(_("publication withdrawn on"), null=True, blank=True)
    unpublish_reason = models.CharField(_("why the publication was withdrawn"), max_length=300, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    whistle_id = models.PositiveIntegerField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("penalty case (行政处罚案件)")
        verbose_name_plural = _("penalty cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "number"], condition=~Q(number=""), name="case_number_once"
            ),
            models.UniqueConstraint(
                fields=["town", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="case_sequence_unique",
            ),
            models.CheckConstraint(
                condition=Q(fine__isnull=True) | Q(fine__gte=0), name="case_fine_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(illegal_gains__isnull=True) | Q(illegal_gains__gte=0))
                & (Q(goods_value__isnull=True) | Q(goods_value__gte=0))
                & (Q(confiscated__isnull=True) | Q(confiscated__gte=0))
                & (Q(confiscated_value__isnull=True) | Q(confiscated_value__gte=0)),
                name="case_amounts_not_negative",
            ),
        ]
        indexes = [
            # "My cases" keyset pages: newest first, within a town, optionally by stage.
            models.Index(fields=["town", "-created_at", "-id"], name="case_town_keyset"),
            # A district administrator's pages: the scope is the case's own district (issue 18).
            models.Index(fields=["district", "-created_at", "-id"], name="case_district_keyset"),
            models.Index(fields=["town", "stage", "-created_at", "-id"], name="case_town_stage_keyset"),
            models.Index(fields=["town", "next_due"], name="case_town_due"),
            models.Index(fields=["party_identifier"], name="case_party"),
            # The dashboards' refresh of one (town, month) row after a change (figures.compute): the town's
            # cases closed or decided in the month, without reading the town's every case.
            models.Index(
                fields=["town", "closed_on"], condition=Q(closed_on__isnull=False), name="case_town_closed"
            ),
            models.Index(
                fields=["town", "decided_on"], condition=Q(decided_on__isnull=False), name="case_town_decided"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:case", args=[self.pk])

    @property
    def reference(self) -> str:
        return self.number or str(_("Lead %(id)s") % {"id": self.pk})

    @property
    def act_end(self) -> dt.date:
        """The day limitation counts from: the act, or its end for a continuing act (art 36)."""
        if not self.act_continuing:
            return self.act_on
        return self.act_ended_on or timezone.localdate()  # still going on: nothing has lapsed

    @property
    def is_open(self) -> bool:
        return self.stage not in FINISHED

    @property
    def fine_amount(self) -> Decimal:
        return self.fine or Decimal("0")

    @property
    def amounts(self) -> dict[str, Decimal]:
        """The amounts found, as the discretion facts a fine by multiples or a benchmark condition reads
        them."""
        found = {"gains_yuan": self.illegal_gains, "value_yuan": self.goods_value}
        return {key: value for key, value in found.items() if value is not None}


class CaseOfficer(models.Model):
    """A handling officer (承办人). The certificate is the one valid when they were assigned; it is re-checked
    at each act that needs two officers. `declared_at` records their recusal declaration (回避声明, art
    43)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_roles")
    lead = models.BooleanField(_("lead officer"), default=False)
    declared_at = models.DateTimeField(_("recusal declared"), null=True, blank=True)
    conflict = models.BooleanField(_("declared a conflict"), default=False)
    recused_at = models.DateTimeField(_("recused"), null=True, blank=True)
    recusal_reason = models.CharField(max_length=300, blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="case_officer_once")]
        ordering = ["-lead", "assigned_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.officer_id}"

    @property
    def active(self) -> bool:
        return self.recused_at is None


class CaseEvent(ChoiceLabels, models.Model):
    """The case timeline: every action, with its data. Also the work queue of deadline reminders."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_stage = models.CharField(max_length=16, blank=True)
    to_stage = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "create": _("Lead recorded"),
    "update": _("Details changed"),
    "officers": _("Handling officers changed"),
    "declare": _("Recusal declaration"),
    "recuse": _("Officer recused"),
    "evidence": _("Evidence added"),
    "document": _("Document generated"),
    "items": _("Enforcement item confirmed"),
    "unpublish": _("Published decision withdrawn"),
}


def evidence_upload_path(instance: Evidence, filename: str) -> str:
    # Never guessable, never the uploader's name: files are served only through a permission-checked view.
    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    return f"cases/{instance.case_id}/evidence/{uuid.uuid4().hex}{suffix}"


def document_upload_path(instance: CaseDocument, filename: str) -> str:
    return f"cases/{instance.case_id}/documents/{uuid.uuid4().hex}.pdf"


class Evidence(ChoiceLabels, models.Model):
    class LocationSource(models.TextChoices):
        """Where the place of a captured file came from."""

        DEVICE = "device", _("the phone's location")
        NONE = "none", _("no location")

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")
        PDF = "pdf", _("PDF document")
        RECORD = "record", _("Signed record (笔录)")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=evidence_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=80)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, help_text="of the stored file")
    original_sha256 = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="of the file as received (differs for a re-encoded photo)",
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)  # when the server received it
    verified_at = models.DateTimeField(null=True, blank=True)
    intact = models.BooleanField(default=True)
    # Captured on site (cases/capture.py): a photo's bytes exactly as received (`file` is its re-encoding),
    # and a copy stamped with the time, the place, the case and the officer, which documents and pages show.
    original_file = models.FileField(upload_to=evidence_upload_path, max_length=200, blank=True)
    stamped_file = models.FileField(upload_to=evidence_upload_path, max_length=200, blank=True)
    stamped_sha256 = models.CharField(max_length=64, blank=True, default="", help_text="of the stamped copy")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    location_source = models.CharField(
        _("location from"), max_length=8, choices=LocationSource.choices, default=LocationSource.NONE
    )
    device_time = models.DateTimeField(
        _("device time"), null=True, blank=True, help_text="the phone's clock when the file was captured"
    )

    class Meta:
        verbose_name = _("evidence (证据)")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True) & Q(accuracy_m__isnull=True))
                | (
                    Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="evidence_location_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.original_name or f"{self.kind} {self.pk}"

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class CaseDocument(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        FILING_APPROVAL = "filing_approval", _("Filing approval form (立案审批表)")
        CORRECTION_ORDER = "correction_order", _("Order to correct (责令改正通知书)")
        PENALTY_NOTICE = "penalty_notice", _("Notice of proposed penalty (行政处罚告知书)")
        HEARING_NOTICE = "hearing_notice", _("Hearing notice (听证通知书)")
        DECISION = "decision", _("Penalty decision (行政处罚决定书)")
        SERVICE_RECEIPT = "service_receipt", _("Service receipt (送达回证)")
        CLOSING_APPROVAL = "closing_approval", _("Closing approval form (结案审批表)")
        LEGAL_REVIEW = "legal_review", _("Legal review form (法制审核意见书)")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=24, choices=Kind.choices)
    version = models.PositiveIntegerField(default=1)
    # 文号 of the kinds numbered on their own (告知书, 决定书 ...): given with the first version, kept.
    number = models.CharField(_("document number (文号)"), max_length=80, blank=True)
    file = models.FileField(upload_to=document_upload_path, max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enforcement document (执法文书)")
        verbose_name_plural = _("enforcement documents")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "version"], name="case_document_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class DocumentRequest(models.Model):
    """A document asked for from the case page, rendered by a worker (a PDF takes seconds): the page shows it
    as being generated until the worker has stored it (`document`), or says why it could not be made."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being generated")
        DONE = "done", _("Generated and stored")
        FAILED = "failed", _("Could not be generated")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="document_requests")
    kind = models.CharField(_("document"), max_length=24, choices=CaseDocument.Kind.choices)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    document = models.ForeignKey(
        CaseDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"


class CasePolicy(models.Model):
    """The numbers in the procedure rules, per district (DOMAIN.md: a rule with a number is data). Without a
    row the defaults apply: Chongqing's figures and those of the law."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="case_policy")
    check_working_days = models.PositiveSmallIntegerField(_("check a lead within (working days)"), default=15)
    decision_days = models.PositiveSmallIntegerField(
        _("decide within (days from filing, art 60)"), default=90
    )
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), default=30)
    reply_working_days = models.PositiveSmallIntegerField(
        _("statement / hearing request within (working days)"), default=5
    )
    hearing_notice_working_days = models.PositiveSmallIntegerField(
        _("hearing notified before (working days)"), default=7
    )
    service_working_days = models.PositiveSmallIntegerField(
        _("serve the decision within (working days, art 61)"), default=7
    )
    payment_days = models.PositiveSmallIntegerField(_("pay within (days, art 67)"), default=15)
    late_fee_percent = models.DecimalField(
        _("late fee per day (%)"), max_digits=5, decimal_places=2, default=Decimal("3")
    )
    hearing_fine_person = models.DecimalField(
        _("hearing right from (person, yuan)"), max_digits=14, decimal_places=2, default=Decimal("5000")
    )
    hearing_fine_organisation = models.DecimalField(
        _("hearing right from (organisation, yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("50000"),
    )
    simple_fine_person = models.DecimalField(
        _("simple procedure up to (person, yuan)"), max_digits=14, decimal_places=2, default=Decimal("200")
    )
    simple_fine_organisation = models.DecimalField(
        _("simple procedure up to (organisation, yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("3000"),
    )
    on_spot_collection = models.DecimalField(
        _("collect on the spot up to (yuan)"), max_digits=14, decimal_places=2, default=Decimal("100")
    )
    publication_working_days = models.PositiveSmallIntegerField(
        _("publish decisions within (working days, art 48)"), default=7
    )
    unpublish_working_days = models.PositiveSmallIntegerField(
        _("withdraw a changed decision within (working days)"), default=3
    )
    publish_warnings = models.BooleanField(
        _("publish warning-only decisions"),
        default=False,
        help_text=_("Whether decisions that only give a warning are published too (a district's choice)."),
    )
    limitation_years = models.PositiveSmallIntegerField(_("limitation (years)"), default=2)
    limitation_years_harm = models.PositiveSmallIntegerField(
        _("limitation where life, health or finance was harmed (years)"), default=5
    )

    class Meta:
        verbose_name = _("case procedure numbers")
        verbose_name_plural = _("case procedure numbers")

    def __str__(self) -> str:
        return str(self.district)


class OnSiteRecord(ChoiceLabels, models.Model):
    """An on-site record (现场笔录) or an inquiry record (询问笔录) made and signed on the officer's phone.

    Written once by cases.records.record_create with its PDF, which is stored as evidence of kind "record"
    (the SHA-256 is the evidence's); never changed afterwards: a correction is a new record. The signatures
    are the PNGs drawn on the screen, re-encoded; the party may refuse to sign, which is recorded with the
    reason and a witness (a legal fact the PDF prints)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("On-site inspection record (现场笔录)")
        INQUIRY = "inquiry", _("Inquiry record (询问笔录)")

    class IdKind(models.TextChoices):
        ID_CARD = "id_card", _("Resident ID card")
        PASSPORT = "passport", _("Passport")
        OTHER = "other", _("Other document")

    class PersonRole(models.TextChoices):
        PARTY = "party", _("The party")
        REPRESENTATIVE = "representative", _("Legal representative or person in charge")
        AGENT = "agent", _("Authorised agent")
        WITNESS = "witness", _("Witness")
        PRESENT = "present", _("Person present on site")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="onsite_records")
    kind = models.CharField(_("kind of record"), max_length=12, choices=Kind.choices)
    place = models.CharField(_("place"), max_length=200)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    officer_1 = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    officer_1_certificate = models.CharField(max_length=40)
    officer_2 = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    officer_2_certificate = models.CharField(max_length=40)
    person_name = models.CharField(_("name"), max_length=100)
    person_id_kind = models.CharField(_("ID document"), max_length=12, choices=IdKind.choices, blank=True)
    person_id_number = models.CharField(_("ID number"), max_length=40, blank=True)
    person_role = models.CharField(_("role"), max_length=16, choices=PersonRole.choices)
    rights_told = models.BooleanField(_("rights told"), default=False)
    # Inquiry: [{"q": "...", "a": "..."}, ...] in the order asked.
    questions = models.JSONField(default=list, blank=True)
    findings = models.TextField(_("findings on site"), blank=True)
    party_signature = models.BinaryField(blank=True, default=b"")
    party_refused = models.BooleanField(_("the party refuses to sign"), default=False)
    refusal_reason = models.CharField(_("reason given for refusing"), max_length=300, blank=True)
    refusal_witness = models.CharField(_("witness of the refusal"), max_length=100, blank=True)
    officer_1_signature = models.BinaryField()
    officer_2_signature = models.BinaryField()
    # The signed PDF, stored as evidence of kind "record" (its file, size and SHA-256 are the evidence's).
    pdf = models.OneToOneField(Evidence, on_delete=models.PROTECT, related_name="onsite_record")
    # A record is never edited: a correction is a new record that names the one it corrects.
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("on-site record (笔录)")
        verbose_name_plural = _("on-site records")
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="onsite_record_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(officer_1=models.F("officer_2")), name="onsite_record_two_officers"
            ),
            models.CheckConstraint(
                condition=Q(party_refused=False) | (~Q(refusal_reason="") & ~Q(refusal_witness="")),
                name="onsite_record_refusal_has_reason_and_witness",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_name} {self.started_at:%Y-%m-%d %H:%M}"


class ComplaintLabelQuerySet(TownOwnedQuerySet["ComplaintLabel"]):
    district_field = "district"


class ComplaintLabel(ChoiceLabels, models.Model):
    """What an officer says a complaint names: one or two items of the district's catalog, or no item of it
    (and why). Labels are the district's own labelled data: `match_eval --from-labels` measures the current
    engine on them. One label per complaint; labelling again replaces it, and the audit trail keeps each
    earlier label (before/after)."""

    class Verdict(models.TextChoices):
        ITEMS = "items", _("Enforcement items")
        NONE = "none", _("No violation in our list")

    class NoneReason(models.TextChoices):
        NOT_VIOLATION = "not_violation", _("Not a violation")
        OTHER_BODY = "other_body", _("Someone else's power")
        NOT_ENOUGH = "not_enough_info", _("Not enough information")

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="label")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    item = models.ForeignKey(
        EnforcementItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_item = models.ForeignKey(
        EnforcementItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    none_reason = models.CharField(
        _("reason"), max_length=16, choices=NoneReason.choices, blank=True, default=""
    )
    # What the engine suggested when the officer labelled: the first three codes, the language it read and the
    # matcher's fingerprint (empty when the complaint had not been matched).
    suggested = models.JSONField(default=list, blank=True)
    lang = models.CharField(max_length=8, blank=True)
    matcher_version = models.CharField(max_length=64, blank=True)
    labelled_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    labelled_at = models.DateTimeField(_("labelled at"))

    objects = ComplaintLabelQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint label")
        verbose_name_plural = _("complaint labels")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(verdict="items", item__isnull=False, none_reason="")
                    | Q(verdict="none", item__isnull=True, second_item__isnull=True) & ~Q(none_reason="")
                ),
                name="complaint_label_items_or_reason",
            ),
            models.CheckConstraint(
                condition=Q(second_item__isnull=True) | ~Q(second_item=models.F("item")),
                name="complaint_label_two_different_items",
            ),
        ]
        indexes = [models.Index(fields=["district", "labelled_at"], name="complaint_label_district")]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.verdict}"

    @property
    def items_chosen(self) -> list[EnforcementItem]:
        return [i for i in (self.item, self.second_item) if i is not None]

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.items_chosen]

    @property
    def agrees_at_top1(self) -> bool:
        """The engine's first suggestion was one of the chosen items (or it said nothing, rightly)."""
        if self.verdict == self.Verdict.NONE:
            return not self.suggested
        return bool(self.suggested) and self.suggested[0] in self.codes
