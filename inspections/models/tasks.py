"""An inspection task: one subject, one leading unit, the departments invited, the officers, the checklists it
was built from, and the merged checklist (one row per check point)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.models import District, Subject, Unit, User

from ..workflow import Exemption, PointResult, Scenario, TaskKind, TaskStatus
from .catalog import ChecklistTemplate, CheckPoint

if TYPE_CHECKING:
    from enforcement.access import Scope


class TaskQuerySet(models.QuerySet["InspectionTask"]):
    def visible_to(self, user: User | AnonymousUser | None) -> TaskQuerySet:
        """The town whose subject it is (its team and seconded officers), the leading unit, the departments
        invited (declined too: they keep their history), the district administrator. Nobody sees it through a
        neighbour."""
        from enforcement.access import scope_for

        return self.visible_in(scope_for(user), getattr(user, "unit_id", None))

    def visible_in(self, scope: Scope, unit_id: int | None) -> TaskQuerySet:
        """`visible_to` a user with this scope and unit (what its filter is built from)."""
        if not scope.authenticated:
            return self.none()
        q = scope.town_q("town")
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
