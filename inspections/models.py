"""Joint inspections (综合查一次) under Chongqing's 《重庆市规范涉企行政检查办法》 (市政府令第375号).

The pieces, top down:

- `InspectionList` / `InspectionItem` / `CheckPoint`: the published inspection-item list (检查事项清单) of a
  district.
  An item may be inspected on a date only when its list is published on that date (art 14, "清单之外无检查").
  Each check point (检查要点) names the enforcement item (authority) it would breach and its legal basis.
- `ChecklistTemplate` (+ `TemplatePoint`): a unit's checklist for a scenario (restaurant, building site, ...),
  versioned: a new version is a new row; a task keeps the versions it was built from.
- `InspectionTask`: one planned or on-the-spot inspection of one subject, led by one unit, with invited
  departments (`TaskInvitation`), officers (`TaskOfficer`) and the merged checklist (`TaskPoint`: one row per
  check point with every unit that asked for it and the body that holds the power on the date).
- `Visit`: the subject's ledger, one row per visit by any unit, with or without an inspection code.
- `FrequencyPolicy` and `WhiteListEntry`: the frequency caps as district data (arts 29-30).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from authority.models import EnforcementItem
from enforcement.models import District, Subject, Unit, User

from .workflow import Exemption, PointResult, Scenario, TaskKind, TaskStatus


class InspectionList(models.Model):
    """检查事项清单: a district's list of inspection items as published on a date (a new list replaces it)."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=120, blank=True)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, help_text=_("empty: not published")
    )
    withdrawn_on = models.DateField(
        _("withdrawn on"), null=True, blank=True, help_text=_("first day no longer in force")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection-item list (检查事项清单)")
        verbose_name_plural = _("inspection-item lists")
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(published_on__isnull=False, withdrawn_on__gt=models.F("published_on")),
                name="inspection_list_dates",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.published_on is not None
            and self.published_on <= day
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


def lists_in_force_on(day: dt.date) -> Q:
    """For InspectionList rows: published on or before `day` and not yet withdrawn."""
    return Q(published_on__isnull=False, published_on__lte=day) & (
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
    )


class InspectionItem(models.Model):
    """检查事项: one thing a body may inspect, with its basis and whether it is a high-risk field."""

    class Method(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        OFF_SITE = "off_site", _("Off site (documents, remote monitoring)")

    inspection_list = models.ForeignKey(
        InspectionList, on_delete=models.PROTECT, related_name="items", verbose_name=_("list")
    )
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    inspecting_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspecting body"),
        help_text=_(
            "the department or town that inspects this item; empty: any body holding the enforcement items"
        ),
    )
    legal_basis = models.TextField(_("legal basis"))
    method = models.CharField(_("method"), max_length=16, choices=Method.choices, default=Method.ON_SITE)
    enterprise_related = models.BooleanField(_("concerns businesses (涉企)"), default=True)
    high_risk = models.BooleanField(
        _("high-risk field"),
        default=False,
        help_text=_("safety fields with their own cap (more visits, spaced apart)"),
    )

    class Meta:
        verbose_name = _("inspection item (检查事项)")
        verbose_name_plural = _("inspection items")
        ordering = ["inspection_list", "code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection_list", "code"], name="inspection_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class CheckPoint(models.Model):
    """检查要点: what to look at, tied to the enforcement item a failure would breach."""

    item = models.ForeignKey(
        InspectionItem, on_delete=models.PROTECT, related_name="points", verbose_name=_("inspection item")
    )
    code = models.CharField(_("code"), max_length=40)
    text_zh = models.CharField(_("what to check (Chinese)"), max_length=500)
    text_en = models.CharField(_("what to check (English)"), max_length=500, blank=True)
    enforcement_item = models.ForeignKey(
        EnforcementItem,
        on_delete=models.PROTECT,
        related_name="check_points",
        verbose_name=_("enforcement item breached"),
    )
    legal_basis = models.TextField(_("legal basis"))
    note_on_fail = models.BooleanField(_("a failure needs a note"), default=True)
    photo_on_fail = models.BooleanField(_("a failure needs a photo"), default=False)

    class Meta:
        verbose_name = _("check point (检查要点)")
        verbose_name_plural = _("check points")
        ordering = ["item", "code"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="check_point_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text_zh}"


class ChecklistTemplate(models.Model):
    """A unit's checklist for a scenario (执法监管"一件事"). Versions are rows; a published version is never
    edited."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In use")
        RETIRED = "retired", _("Retired")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    scenario = models.CharField(_("scenario"), max_length=32, choices=Scenario.choices)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    points = models.ManyToManyField(CheckPoint, through="TemplatePoint", related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["unit", "scenario", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "scenario", "version"], name="checklist_template_version_unique"
            ),
            models.UniqueConstraint(
                fields=["unit", "scenario"],
                condition=Q(status="active"),
                name="checklist_template_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class TemplatePoint(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="rows")
    point = models.ForeignKey(CheckPoint, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["template", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "point"], name="template_point_unique")]

    def __str__(self) -> str:
        return f"{self.template_id}:{self.point_id}"


class FrequencyPolicy(models.Model):
    """Frequency caps of one district (arts 29-30). Without a row the defaults below apply: other regions'
    published numbers (巴中, 卫健) until Chongqing's are loaded."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="+")
    routine_per_year = models.PositiveSmallIntegerField(
        _("routine visits a year per body and business"), default=1
    )
    high_risk_per_year = models.PositiveSmallIntegerField(_("visits a year in high-risk fields"), default=8)
    high_risk_min_days = models.PositiveSmallIntegerField(
        _("days between visits in high-risk fields"), default=30
    )
    quiet_first_day = models.PositiveSmallIntegerField(_("quiet days from (day of month)"), default=1)
    quiet_last_day = models.PositiveSmallIntegerField(
        _("quiet days until (day of month; 0: none)"), default=20
    )
    no_code_filing_working_days = models.PositiveSmallIntegerField(
        _("working days to file a visit without a code"), default=3
    )
    immediate_warn_at = models.PositiveSmallIntegerField(
        _("on-the-spot visits by one body to one business within 30 days that raise a warning"), default=3
    )
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inspection frequency policy")
        verbose_name_plural = _("inspection frequency policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_last_day__lte=31) & Q(quiet_first_day__gte=1), name="frequency_quiet_days"
            )
        ]

    def __str__(self) -> str:
        return f"caps of district {self.district_id}"


class WhiteListEntry(models.Model):
    """白名单: a business with clean years gets a period without routine visits."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"))
    basis = models.CharField(_("basis"), max_length=300, help_text=_("e.g. two years without a penalty"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("white-list entry")
        verbose_name_plural = _("white list")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="white_list_dates")
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.valid_from}–{self.valid_to}"


class TaskQuerySet(models.QuerySet["InspectionTask"]):
    def visible_to(self, user: User | AnonymousUser | None) -> TaskQuerySet:
        """The town whose subject it is (its team and seconded officers), the leading unit, the departments
        invited (declined too: they keep their history), the district administrator. Nobody sees it through a
        neighbour."""
        from enforcement.access import scope_for

        scope = scope_for(user)
        if not scope.authenticated:
            return self.none()
        q = scope.town_q("town")
        unit_id = getattr(user, "unit_id", None)
        if unit_id is not None:
            q |= Q(lead_unit_id=unit_id)
        if scope.department_ids:
            q |= Q(
                pk__in=TaskInvitation.objects.filter(department_id__in=scope.department_ids).values("task_id")
            )
        return self.filter(q)


class InspectionTask(models.Model):
    """One inspection of one subject: planned (日常/专项/线索核查) or on the spot (即时)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    town = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Unit.Kind.TOWN},
        verbose_name=_("town"),
        help_text=_("the town where the subject is"),
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    kind = models.CharField(_("type"), max_length=16, choices=TaskKind.choices)
    exemption = models.CharField(
        _("exempt from the cap as"), max_length=16, choices=Exemption.choices, blank=True
    )
    exemption_ref = models.CharField(
        _("exemption reference"),
        max_length=200,
        blank=True,
        help_text=_("the complaint, request, permit application or earlier inspection"),
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    scenario = models.CharField(_("scenario"), max_length=32, choices=Scenario.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("planned for"))
    headcount = models.PositiveSmallIntegerField(_("people on the visit"), default=2)
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.DRAFT
    )
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("re-check of"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("joined"),
    )
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("plan approved at"), null=True, blank=True)
    approved_afterwards = models.BooleanField(_("approved after the visit"), default=False)
    approval_reason = models.TextField(_("reason for approval after the visit"), blank=True)
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    code = models.CharField(_("inspection code (执法码)"), max_length=43, blank=True)
    code_scans = models.PositiveIntegerField(_("times the code page was opened"), default=0)
    code_first_scanned_at = models.DateTimeField(_("code first opened at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    business_signatory = models.CharField(
        _("signed for the business by"), max_length=100, blank=True, help_text=_("name and position")
    )
    business_refusal = models.TextField(
        _("the business refused to sign"), blank=True, help_text=_("what happened, as the officers saw it")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="inspection_code_unique"),
            models.CheckConstraint(condition=Q(headcount__gte=2), name="inspection_headcount_at_least_two"),
            models.CheckConstraint(
                condition=Q(approved_afterwards=False) | Q(kind="immediate"),
                name="inspection_afterwards_only_immediate",
            ),
        ]
        indexes = [models.Index(fields=["subject", "planned_on"]), models.Index(fields=["town", "status"])]

    def __str__(self) -> str:
        return self.title


class TaskInvitation(models.Model):
    """部门邀约: a department asked to join; it accepts (with its checklist) or declines with a reason."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="invitations")
    department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INVITED)
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="invitation_once_per_department"),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""), name="invitation_decline_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.department_id} ({self.status})"


class TaskOfficer(models.Model):
    """An officer on the visit, with the certificate that was valid when they were put on it."""

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="officers")
    officer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    certificate_number = models.CharField(_("certificate number"), max_length=40)
    signed_at = models.DateTimeField(
        _("signed the record at"), null=True, blank=True, help_text=_("empty: not present at the sign-off")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "officer"], name="task_officer_once")]

    def __str__(self) -> str:
        return f"{self.officer_id} ({self.certificate_number})"


class TaskSource(models.Model):
    """Which checklist version each unit brought to the task (the merge's input, kept for the record)."""

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="sources")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "unit", "template"], name="task_source_once")]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.unit_id} v{self.template_id}"


class TaskPoint(models.Model):
    """A row of the merged checklist: one check point, every unit that asked for it, who holds the power, the
    result."""

    class Disposition(models.TextChoices):
        NONE = "", _("None")
        CASE = "case", _("Draft case for the town")
        WHISTLE = "whistle", _("Whistle to the department")
        DEPARTMENT = "department", _("Left to the leading department")

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="points")
    point = models.ForeignKey(CheckPoint, on_delete=models.PROTECT, related_name="+")
    ad_hoc = models.BooleanField(_("added on site"), default=False)
    requested_by = models.ManyToManyField(Unit, related_name="+", verbose_name=_("asked for by"))
    holder_town = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    holder_department = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_kind = models.CharField(_("kind of power"), max_length=16, blank=True)
    result = models.CharField(
        _("result"), max_length=16, choices=PointResult.choices, default=PointResult.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    major = models.BooleanField(_("major violation"), default=False)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(_("handled as"), max_length=16, choices=Disposition.choices, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    whistle = models.ForeignKey(
        "whistles.WhistleRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["task", "point__item__code", "point__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "point"], name="task_point_once"),
            models.CheckConstraint(
                condition=Q(major=False) | Q(result="fail"), name="task_point_major_only_on_fail"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.point_id} {self.result}"


class Visit(models.Model):
    """The subject's ledger: every visit by any unit, enforcement or not, with or without an inspection
    code."""

    class Purpose(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        GUIDANCE = "guidance", _("Guidance (指导)")
        RESEARCH = "research", _("Research (调研)")
        PUBLICITY = "publicity", _("Publicity (宣传)")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    town = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    task = models.ForeignKey(
        InspectionTask, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.INSPECTION
    )
    visited_on = models.DateField(_("visited on"))
    with_code = models.BooleanField(_("inspection code shown"), default=True)
    no_code_reason = models.TextField(_("why no code was shown"), blank=True)
    file_due = models.DateField(_("to be filed by"), null=True, blank=True)
    subject_identifier_seen = models.CharField(_("credit code recorded on site"), max_length=32, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("filed at"), default=timezone.now)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(with_code=True) | ~Q(no_code_reason=""), name="visit_no_code_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["subject", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.visited_on}"


def inspection_file_path(instance: models.Model, filename: str) -> str:
    # The name comes from us, never from the upload: the extension follows the detected format.
    ext = filename.rsplit(".", 1)[-1].lower()
    now = timezone.localtime()
    return f"inspections/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class PointPhoto(models.Model):
    """A photo taken at one check point on site: checked by content and re-encoded under the core's upload
    policy, hashed as received and as stored (like case evidence), served only to those who may see the
    task."""

    task_point = models.ForeignKey(TaskPoint, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=inspection_file_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, help_text="of the stored (re-encoded) file")
    original_sha256 = models.CharField(max_length=64, help_text="of the file as received")
    taken_at = models.DateTimeField(_("taken at (camera)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("check-point photo")
        verbose_name_plural = _("check-point photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_point_id}: {self.sha256[:12]}"


class InspectionDocument(models.Model):
    """A notice generated from a task as PDF (always Chinese): each generation is a new version, kept with its
    hash."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Inspection notice (检查通知书)")
        RECTIFICATION = "rectification", _("Rectification notice (责令整改通知书)")

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=inspection_file_path, max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("inspection document")
        verbose_name_plural = _("inspection documents")
        ordering = ["task", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "version"], name="inspection_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} v{self.version}"


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")


class SubjectProfile(models.Model):
    """What inspections need to know of a subject of the core registry beyond its name, code and address: its type
    (the scenario its checklists follow), its risk level and where it is."""

    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="inspection_profile", verbose_name=_("subject")
    )
    subject_type = models.CharField(_("type of business or place"), max_length=32, choices=Scenario.choices)
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subject profile")
        verbose_name_plural = _("subject profiles")
        indexes = [models.Index(fields=["subject_type", "risk_level"])]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.subject_type}/{self.risk_level}"


class AnnualPlan(models.Model):
    """A unit's annual inspection plan (年度检查计划): which subjects or types of subject, under which items of the
    published list, how often and in which months. Approved by the unit's head; the plan calendar reads it."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("plan", "Draft")
        APPROVED = "approved", _("Approved")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("annual inspection plan")
        verbose_name_plural = _("annual inspection plans")
        ordering = ["-year", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="inspection_one_plan_per_unit_year")
        ]

    def __str__(self) -> str:
        return self.title


class AnnualPlanEntry(models.Model):
    """One line of an annual plan: one subject, or every subject of a type in a town, visited `visits_per_year`
    times in the listed months, under the listed items."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="entries")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("subject")
    )
    subject_type = models.CharField(
        _("type of business or place"), max_length=32, choices=Scenario.choices, blank=True
    )
    town = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("town")
    )
    items = models.ManyToManyField(InspectionItem, related_name="+", verbose_name=_("inspection items"))
    visits_per_year = models.PositiveSmallIntegerField(_("visits a year"), default=1)
    months = models.JSONField(_("months"), default=list)

    class Meta:
        verbose_name = _("annual plan line")
        verbose_name_plural = _("annual plan lines")
        ordering = ["plan_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject__isnull=False) & Q(subject_type=""))
                | (Q(subject__isnull=True) & ~Q(subject_type="")),
                name="inspection_plan_entry_subject_or_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.subject_id or self.subject_type}"
