"""One inspection's page and its steps: checklists and items, invitations, officers, publication, approval,
entry, cancelling, findings, closing, the follow-up, the merge and the notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement import clock
from enforcement.access import access_or_404
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Unit, User
from enforcement.officers import officer_may_act
from enforcement.workflow import InvalidTransition, StaleObject

from .. import documents, forms, services
from ..models import (
    InspectionDocument,
    InspectionTask,
)
from ..rules import (
    can_approve_task,
    can_edit_task,
    can_generate_inspection_document,
    can_handle_findings,
    can_record_results,
)
from ..selectors import (
    active_templates,
    items_published,
    merge_proposals_for,
    officer_candidates,
    task_get_for,
)
from ..workflow import (
    APPROVE_AFTERWARDS_FROM,
    CHECKLIST_EDITABLE,
    IMMEDIATE_ENTER_FROM,
    PointResult,
    TaskKind,
    TaskStatus,
)
from ._common import _conflict

# --- one task -----------------------------------------------------------------------------------------------


def _task(user: User, pk: int) -> InspectionTask:
    return task_get_for(user=user, pk=pk)


def _grouped_points(task: InspectionTask) -> list[dict[str, Any]]:
    rows = (
        task.points.select_related(
            "point__item", "point__enforcement_item", "holder_town", "holder_department", "case", "whistle"
        )
        .prefetch_related("requested_by", "photos")
        .order_by("point__item__code", "point__code")
    )
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        item = row.point.item
        groups.setdefault(item.pk, {"item": item, "rows": []})["rows"].append(row)
    return list(groups.values())


def _detail_forms(user: User, task: InspectionTask, bound: dict[str, Any]) -> dict[str, Any]:
    """The forms for the actions the user may take now (None when not)."""
    may_edit = can_edit_task(user, task)
    editable = task.status in CHECKLIST_EDITABLE
    today = clock.today()
    out: dict[str, Any] = {}
    if may_edit and editable:
        brought = task.sources.values("template_id")
        out["template_form"] = bound.get("template") or forms.TemplateAddForm(
            templates=active_templates(task.lead_unit_id).exclude(pk__in=brought)
        )
        on_task = task.points.values("point__item_id")
        out["items_form"] = bound.get("items") or forms.ItemsAddForm(
            items=items_published(task.district_id, today).exclude(pk__in=on_task)
        )
        invited = task.invitations.values("department_id")
        out["invite_form"] = bound.get("invite") or forms.InviteForm(
            departments=Unit.objects.filter(
                district_id=task.district_id, kind=Unit.Kind.DEPARTMENT, is_active=True
            )
            .exclude(pk__in=invited)
            .exclude(pk=task.lead_unit_id)
            .order_by("code")
        )
    if may_edit and task.status in CHECKLIST_EDITABLE | {TaskStatus.APPROVED}:
        out["officers_form"] = bound.get("officers") or forms.OfficersForm(
            candidates=officer_candidates(task),
            initial={"officers": list(task.officers.values_list("officer_id", flat=True))},
        )
    if may_edit and task.status == TaskStatus.DRAFT:
        out["publish_form"] = forms.VersionForm(initial={"version": task.version})
    if can_approve_task(user, task) and task.approved_at is None:
        if task.status == TaskStatus.PUBLISHED or (
            task.kind == TaskKind.IMMEDIATE and task.status in APPROVE_AFTERWARDS_FROM
        ):
            out["approve_form"] = bound.get("approve") or forms.ApproveForm(initial={"version": task.version})
            out["approve_afterwards"] = task.status in APPROVE_AFTERWARDS_FROM
    may_record = can_record_results(user, task)
    enter_from = IMMEDIATE_ENTER_FROM if task.kind == TaskKind.IMMEDIATE else {TaskStatus.APPROVED}
    if may_record and task.status in enter_from:
        out["enter_form"] = bound.get("enter") or forms.EnterForm(
            initial={"version": task.version, "with_code": bool(task.code)}
        )
    if may_edit and task.status in {TaskStatus.DRAFT, TaskStatus.PUBLISHED, TaskStatus.APPROVED}:
        out["cancel_form"] = bound.get("cancel") or forms.ReasonForm(initial={"version": task.version})
    handled = task.status in {TaskStatus.CHECKED, TaskStatus.CLOSED}
    unhandled = task.points.filter(result=PointResult.FAIL, disposition="").count() if handled else 0
    out["unhandled"] = unhandled
    out["may_handle"] = can_handle_findings(user, task) and handled and unhandled > 0
    out["may_close"] = (
        can_handle_findings(user, task) and task.status == TaskStatus.CHECKED and unhandled == 0
    )
    failed = handled and task.points.filter(result=PointResult.FAIL).exists()
    if may_edit and failed and not task.follow_ups.exclude(status=TaskStatus.CANCELLED).exists():
        out["follow_up_form"] = bound.get("follow_up") or forms.FollowUpForm(
            initial={"planned_on": today + dt.timedelta(days=30)}
        )
    return out


def _render_detail(
    request: AuthedHttpRequest, task: InspectionTask, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    task = (
        InspectionTask.objects.select_related(
            "lead_unit", "town", "subject", "approved_by", "follow_up_of", "merged_into", "district"
        )
        .prefetch_related("follow_ups")
        .get(pk=task.pk)
    )
    today = clock.today()
    officers = [
        {"row": o, "check": officer_may_act(o.officer, today)}
        for o in task.officers.select_related("officer", "unit").order_by("pk")
    ]
    docs = list(task.documents.select_related("generated_by").order_by("kind", "-version"))
    proposals = []
    if task.status in CHECKLIST_EDITABLE | {TaskStatus.APPROVED}:
        for proposal in merge_proposals_for(user=user, task=task):
            proposals.append(
                {
                    "proposal": proposal,
                    "other": proposal.joining if proposal.keep.pk == task.pk else proposal.keep,
                    "may_accept": proposal.keep.pk == task.pk
                    and can_edit_task(user, task)
                    and task.status in CHECKLIST_EDITABLE,
                }
            )
    groups = _grouped_points(task)
    points = [r for g in groups for r in g["rows"]]
    context = {
        "task": task,
        "groups": groups,
        "point_count": len(points),
        "answered": sum(1 for r in points if r.result != PointResult.PENDING),
        "failed": [r for r in points if r.result == PointResult.FAIL],
        "invitations": task.invitations.select_related("department", "responded_by", "template").order_by(
            "pk"
        ),
        "officers": officers,
        "visits": task.visits.select_related("recorded_by").order_by("visited_on"),
        "documents": docs,
        "available": [(k, InspectionDocument.Kind(k).label) for k in documents.documents_available(task)]
        if can_generate_inspection_document(user, task)
        else [],
        "code_url": request.build_absolute_uri(reverse("inspection-code", args=[task.code]))
        if task.code
        else "",
        "proposals": proposals,
        "may_edit": can_edit_task(user, task),
        "may_record": can_record_results(user, task),
        **_detail_forms(user, task, bound),
    }
    return render(request, "inspections/task_detail.html", context, status=status)


@login_required
@require_GET
def task_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _task(request.user, pk))


Handler = Callable[[AuthedHttpRequest, User, InspectionTask], HttpResponse]


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _done(request: HttpRequest, task: InspectionTask, text: str, anchor: str = "") -> HttpResponse:
    messages.success(request, text)
    return redirect(reverse("inspection-detail", args=[task.pk]) + anchor)


@login_required
@require_POST
def task_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Every step taken from the task page, one form each; the service decides."""
    user = request.user
    task = _task(user, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        return handler(request, user, task)
    except (InvalidTransition, StaleObject) as exc:
        return _conflict(request, task.pk, exc)


def _bound_or_refused(
    request: AuthedHttpRequest, task: InspectionTask, key: str, form: Any, call: Callable[[], Any], done: str
) -> HttpResponse:
    if not form.is_valid():
        return _render_detail(request, task, {key: form}, status=400)
    try:
        call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, task, {key: form}, status=400)
    return _done(request, task, done)


def _act_template(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.TemplateAddForm(request.POST, templates=active_templates(task.lead_unit_id))
    return _bound_or_refused(
        request,
        task,
        "template",
        form,
        lambda: services.task_template_add(actor=user, task=task, template=form.cleaned_data["template"]),
        _("Checklist added and merged point by point."),
    )


def _act_items(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.ItemsAddForm(request.POST, items=items_published(task.district_id, clock.today()))
    return _bound_or_refused(
        request,
        task,
        "items",
        form,
        lambda: services.task_items_add(actor=user, task=task, items=list(form.cleaned_data["items"])),
        _("Items added to the checklist."),
    )


def _act_invite(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.InviteForm(
        request.POST, departments=Unit.objects.filter(district_id=task.district_id, kind=Unit.Kind.DEPARTMENT)
    )
    return _bound_or_refused(
        request,
        task,
        "invite",
        form,
        lambda: services.task_invite(actor=user, task=task, department=form.cleaned_data["department"]),
        _("Department invited."),
    )


def _act_officers(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.OfficersForm(request.POST, candidates=officer_candidates(task))
    return _bound_or_refused(
        request,
        task,
        "officers",
        form,
        lambda: services.task_officers_set(
            actor=user, task=task, officers=list(form.cleaned_data["officers"])
        ),
        _("Officers on the visit saved."),
    )


def _act_publish(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    try:
        services.task_publish(actor=user, task=task, version=_version(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_detail(request, task, status=400)
    return _done(request, task, _("Published: the invited departments can answer now."))


def _act_approve(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.ApproveForm(request.POST)
    return _bound_or_refused(
        request,
        task,
        "approve",
        form,
        lambda: services.task_approve(
            actor=user, task=task, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
        ),
        _("Inspection plan approved: the inspection code and the notice are ready."),
    )


def _act_enter(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.EnterForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, task, {"enter": form}, status=400)
    data = form.cleaned_data
    try:
        services.task_enter(
            actor=user,
            task=task,
            with_code=data["with_code"],
            no_code_reason=data["no_code_reason"],
            identifier_seen=data["identifier_seen"],
            version=data["version"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, task, {"enter": form}, status=400)
    messages.success(request, _("On site: the visit is on the business's ledger. Record each point."))
    return redirect("inspection-checklist", pk=task.pk)


def _act_cancel(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.ReasonForm(request.POST)
    return _bound_or_refused(
        request,
        task,
        "cancel",
        form,
        lambda: services.task_cancel(actor=user, task=task, reason=form.cleaned_data["reason"]),
        _("Inspection cancelled."),
    )


def _act_findings(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    try:
        handled = services.task_findings_handle(actor=user, task=task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_detail(request, task, status=400)
    cases = len({r.case_id for r in handled if r.case_id})
    whistles = len({r.whistle_id for r in handled if r.whistle_id})
    return _done(
        request,
        task,
        _("Findings handed on: %(cases)s draft cases, %(whistles)s whistles to departments.")
        % {"cases": cases, "whistles": whistles},
        "#findings",
    )


def _act_close(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    try:
        services.task_close(actor=user, task=task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_detail(request, task, status=400)
    return _done(request, task, _("Inspection closed."))


def _act_follow_up(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, task, {"follow_up": form}, status=400)
    try:
        follow = services.task_follow_up_create(
            actor=user, task=task, planned_on=form.cleaned_data["planned_on"]
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, task, {"follow_up": form}, status=400)
    messages.success(request, _("Re-check planned: only the failed points, exempt from the cap."))
    return redirect("inspection-detail", pk=follow.pk)


def _act_merge(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    other_id = request.POST.get("joining", "")
    if not other_id.isdigit():
        raise Http404
    joining = access_or_404(
        InspectionTask.objects.filter(district_id=task.district_id, subject_id=task.subject_id),
        pk=int(other_id),
    )
    try:
        services.task_merge(actor=user, joining=joining, keep=task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_detail(request, task, status=400)
    return _done(
        request, task, _("%(unit)s joins this visit: one visit instead of two.") % {"unit": joining.lead_unit}
    )


def _act_document(request: AuthedHttpRequest, user: User, task: InspectionTask) -> HttpResponse:
    kind = request.POST.get("kind", "")
    code_url = request.build_absolute_uri(reverse("inspection-code", args=[task.code])) if task.code else ""
    try:
        row = documents.inspection_document_generate(actor=user, task=task, kind=kind, code_url=code_url)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _render_detail(request, task, status=400)
    return _done(
        request,
        task,
        _("%(document)s generated (version %(version)s).")
        % {"document": row.get_kind_display(), "version": row.version},
        "#documents",
    )


ACTIONS: dict[str, Handler] = {
    "template": _act_template,
    "items": _act_items,
    "invite": _act_invite,
    "officers": _act_officers,
    "publish": _act_publish,
    "approve": _act_approve,
    "enter": _act_enter,
    "cancel": _act_cancel,
    "findings": _act_findings,
    "close": _act_close,
    "follow-up": _act_follow_up,
    "merge": _act_merge,
    "document": _act_document,
}
