"""Pages of the inspections app. Thin: reads through selectors (not visible = 404), writes through services
(not allowed = 403, refused by the law or the data = the form again with the reason, 400), and the templates
show the answers of rules.py. The public page of an inspection code needs no login."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement import clock
from enforcement.access import access_or_404, scope_for
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Subject, Unit, User
from enforcement.officers import officer_may_act
from enforcement.refusals import show_refusal
from enforcement.services import subject_get_or_create
from enforcement.workflow import InvalidTransition, StaleObject

from .. import documents, forms, services
from ..models import (
    InspectionDocument,
    InspectionTask,
    PointPhoto,
    SubjectProfile,
    TaskInvitation,
    TaskPoint,
    WhiteListEntry,
)
from ..rules import (
    can_answer_invitation,
    can_approve_task,
    can_edit_task,
    can_generate_inspection_document,
    can_handle_findings,
    can_plan_task,
    can_record_results,
    can_record_visit,
    can_set_subject_profile,
    can_view_inspection_report,
)
from ..selectors import (
    BOARD_STATUSES,
    active_templates,
    board_for,
    bodies_at_cap,
    code_view,
    frequency_policy_for,
    inspection_figures,
    invitation_inbox_for,
    items_published,
    ledger_for,
    merge_proposals_for,
    officer_candidates,
    points_addable_on_site,
    report_units,
    routine_counts,
    subject_get_for,
    subject_tasks_for,
    subjects_for,
    task_get_for,
)
from ..selectors.ledger import code_task, own_record_for_code, visits_per_business
from ..selectors.plans import subject_plan_lines
from ..services import plans as plan_services
from ..workflow import (
    APPROVE_AFTERWARDS_FROM,
    CHECKLIST_EDITABLE,
    IMMEDIATE_ENTER_FROM,
    PointResult,
    TaskKind,
    TaskStatus,
)


def _district_id(user: User) -> int:
    if user.unit is None:
        raise PermissionDenied
    return user.unit.district_id


def _conflict(request: HttpRequest, task_pk: int, exc: InvalidTransition | StaleObject) -> HttpResponse:
    """A step the task's state or a concurrent change refused: the warning, and the task as it is now."""
    return show_refusal(request, exc, back_to=reverse("inspection-detail", args=[task_pk]))


# --- the board ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def board(request: AuthedHttpRequest) -> HttpResponse:
    """任务看板: the inspections the user may see, by status, with filters."""
    user = request.user
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in TaskKind.values else ""
    query = request.GET.get("q", "").strip()[:100]
    mine = request.GET.get("mine") == "1"
    tasks, counts = board_for(user=user, status=status, kind=kind, query=query, mine=mine)
    page = Paginator(
        tasks.prefetch_related(
            Prefetch("invitations", queryset=TaskInvitation.objects.select_related("department"))
        ),
        25,
    ).get_page(request.GET.get("page"))
    tabs = [
        {"value": s, "label": TaskStatus(s).label, "count": counts.get(s, 0)}
        for s in BOARD_STATUSES
        if counts.get(s) or s == status or s not in {TaskStatus.CANCELLED, TaskStatus.MERGED}
    ]
    scope = scope_for(user)
    return render(
        request,
        "inspections/board.html",
        {
            "page": page,
            "tabs": tabs,
            "total": sum(counts.values()),
            "filters": {"status": status, "kind": kind, "q": query, "mine": mine},
            "kinds": TaskKind.choices,
            "may_plan": bool(_lead_units(user).exists()),
            "open_invitations": invitation_inbox_for(user=user).count() if scope.department_ids else None,
            "may_report": can_view_inspection_report(user),
            "to_approve": tasks.filter(status=TaskStatus.PUBLISHED, lead_unit_id=user.unit_id).count()
            if user.has_role("supervisor")
            else 0,
        },
    )


# --- planning -----------------------------------------------------------------------------------------------


def _lead_units(user: User) -> QuerySet[Unit]:
    """The units the user may plan for: their own, and towns they are seconded to."""
    scope = scope_for(user)
    ids = set(scope.town_ids)
    if user.unit_id is not None:
        ids.add(user.unit_id)
    units = Unit.objects.filter(pk__in=ids, kind__in=[Unit.Kind.TOWN, Unit.Kind.DEPARTMENT]).order_by("code")
    return units.filter(pk__in=[u.pk for u in units if can_plan_task(user, u)])


def _create_form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> forms.TaskCreateForm:
    district_id = _district_id(user)
    leads = _lead_units(user)
    from ..models import ChecklistTemplate

    return forms.TaskCreateForm(
        data,
        initial=initial,
        lead_units=leads,
        towns=Unit.objects.filter(district_id=district_id, kind=Unit.Kind.TOWN, is_active=True).order_by(
            "code"
        ),
        templates=ChecklistTemplate.objects.filter(
            unit__in=leads, status=ChecklistTemplate.Status.ACTIVE
        ).select_related("unit"),
        items=items_published(district_id, clock.today()),
        departments=Unit.objects.filter(
            district_id=district_id, kind=Unit.Kind.DEPARTMENT, is_active=True
        ).order_by("code"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: AuthedHttpRequest) -> HttpResponse:
    """检查方案: plan an inspection with checklists or items of the published list and the departments to
    invite."""
    user = request.user
    if not _lead_units(user).exists():
        raise PermissionDenied
    if request.method == "POST":
        form = _create_form(user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = _plan(user, data)
            except ValidationError as exc:
                add_service_errors(form, _renamed(exc))
            else:
                messages.success(request, _("Inspection planned: %(title)s.") % {"title": task.title})
                return redirect("inspection-detail", pk=task.pk)
        return render(request, "inspections/task_form.html", {"form": form}, status=400)
    initial: dict[str, Any] = {"planned_on": clock.today() + dt.timedelta(days=7), "headcount": 2}
    leads = list(_lead_units(user))
    if leads:
        initial["lead_unit"] = leads[0].pk
        if leads[0].is_town:
            initial["town"] = leads[0].pk
    subject_id = request.GET.get("subject", "")
    if subject_id.isdigit():
        subject = subjects_for(user=user).filter(pk=int(subject_id)).first()
        if subject is not None:
            initial.update(
                subject_identifier=subject.identifier,
                subject_name=subject.name,
                subject_address=subject.address,
                title=_("Inspection of %(subject)s") % {"subject": subject.name},
            )
    if request.GET.get("kind") in TaskKind.values:
        initial["kind"] = request.GET["kind"]
    return render(request, "inspections/task_form.html", {"form": _create_form(user, initial=initial)})


def _renamed(exc: ValidationError) -> ValidationError:
    """The services name the subject `subject` and the checklist `points`; the form's fields are others."""
    if not hasattr(exc, "error_dict"):
        return exc
    names = {"subject": "subject_name", "points": "items", "template": "templates"}
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


@transaction.atomic
def _plan(user: User, data: dict[str, Any]) -> InspectionTask:
    """The business (found by its code, or added to the registry), the task, and its invitations: all or
    nothing."""
    lead: Unit = data["lead_unit"]
    identifier = data.get("subject_identifier", "")
    subject = subject_get_or_create(
        actor=user,
        district=lead.district,
        kind=Subject.Kind.ORGANISATION,
        name=data["subject_name"],
        identifier=identifier,
        address=data.get("subject_address", ""),
    )
    task = services.task_create(
        actor=user,
        lead_unit=lead,
        town=data["town"],
        subject=subject,
        kind=data["kind"],
        title=data["title"],
        planned_on=data["planned_on"],
        headcount=data["headcount"],
        scenario=data.get("scenario") or "",
        exemption=data.get("exemption") or "",
        exemption_ref=data.get("exemption_ref") or "",
        templates=list(data.get("templates") or []),
        items=list(data.get("items") or []),
    )
    for department in data.get("departments") or []:
        services.task_invite(actor=user, task=task, department=department)
    return task


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


# --- on site: the merged checklist --------------------------------------------------------------------------


def _point_context(
    user: User, task: InspectionTask, row: TaskPoint, form: forms.PointForm | None = None, saved: bool = False
) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "result": row.result if row.result != PointResult.PENDING else None,
        "note": row.note,
    }
    initial.update(major=row.major, rectify_by=row.rectify_by)
    return {
        "task": task,
        "row": row,
        "form": form or forms.PointForm(initial=initial, prefix=f"p{row.pk}"),
        "editable": task.status == TaskStatus.ON_SITE and can_record_results(user, task),
        "saved": saved,
    }


def _checklist_rows(task: InspectionTask) -> QuerySet[TaskPoint]:
    return (
        task.points.select_related("point__item", "holder_town", "holder_department", "answered_by")
        .prefetch_related("requested_by", "photos")
        .order_by("point__item__code", "point__code")
    )


def _render_checklist(
    request: AuthedHttpRequest, task: InspectionTask, bound: dict[Any, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    groups: dict[int, dict[str, Any]] = {}
    rows = list(_checklist_rows(task))
    for row in rows:
        item = row.point.item
        groups.setdefault(item.pk, {"item": item, "cards": []})["cards"].append(
            _point_context(user, task, row, bound.get(row.pk))
        )
    on_site = task.status == TaskStatus.ON_SITE and can_record_results(user, task)
    officers = task.officers.select_related("officer").values_list("officer_id", flat=True)
    context = {
        "task": task,
        "groups": list(groups.values()),
        "total": len(rows),
        "answered": sum(1 for r in rows if r.result != PointResult.PENDING),
        "on_site": on_site,
        "add_form": bound.get("add")
        or (forms.PointAddForm(points=points_addable_on_site(task, clock.today())) if on_site else None),
        "finish_form": bound.get("finish")
        or (
            forms.FinishForm(
                officers=User.objects.filter(pk__in=officers).select_related("unit"),
                initial={"version": task.version, "present": list(officers)},
            )
            if on_site
            else None
        ),
    }
    return render(request, "inspections/checklist.html", context, status=status)


@login_required
@require_GET
def checklist(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The merged checklist, grouped by item: answered on a phone on site, read afterwards."""
    return _render_checklist(request, _task(request.user, pk))


def _wants_card(request: HttpRequest) -> bool:
    return request.headers.get("X-Checklist") == "card"


@login_required
@require_POST
def point_answer(request: AuthedHttpRequest, pk: int, point_pk: int) -> HttpResponse:
    """One answer. The checklist's script sends it in the background and swaps the card (`X-Checklist: card`);
    without the script it is an ordinary form post (a refused answer: the checklist again, 400)."""
    user = request.user
    task = _task(user, pk)
    row = access_or_404(_checklist_rows(task), pk=point_pk)
    if not can_record_results(user, task):
        raise PermissionDenied
    form = forms.PointForm(request.POST, request.FILES, prefix=f"p{row.pk}")
    error: ValidationError | None = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.point_record(
                actor=user,
                task_point=row,
                result=data["result"],
                note=data["note"],
                major=data["major"],
                rectify_by=data["rectify_by"],
                photos=data["photos"],
            )
        except ValidationError as exc:
            error = exc
            add_service_errors(form, exc)
        except InvalidTransition as exc:
            if _wants_card(request):
                return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
            return _conflict(request, task.pk, exc)
    ok = form.is_valid() and error is None
    if _wants_card(request):
        fresh = access_or_404(_checklist_rows(task), pk=point_pk)
        context = _point_context(user, task, fresh, None if ok else form, saved=ok)
        # 200 either way: the card itself says whether it was saved (data-saved) or shows the reasons; a 4xx
        # would be a failed request to the browser, and the script keeps an answer not saved on the phone.
        return render(request, "inspections/_point_card.html", context)
    if ok:
        return redirect(reverse("inspection-checklist", args=[task.pk]) + f"#point-{row.pk}")
    return _render_checklist(request, task, {row.pk: form}, status=400)


@login_required
@require_POST
def point_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk)
    form = forms.PointAddForm(request.POST, points=points_addable_on_site(task, clock.today()))
    if not form.is_valid():
        return _render_checklist(request, task, {"add": form}, status=400)
    try:
        row = services.task_point_add_on_site(actor=user, task=task, point=form.cleaned_data["point"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_checklist(request, task, {"add": form}, status=400)
    except InvalidTransition as exc:
        return _conflict(request, task.pk, exc)
    messages.success(request, _("Point added to the checklist."))
    return redirect(reverse("inspection-checklist", args=[task.pk]) + f"#point-{row.pk}")


@login_required
@require_POST
def task_finish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = _task(user, pk)
    officers = User.objects.filter(pk__in=task.officers.values("officer_id"))
    form = forms.FinishForm(request.POST, officers=officers)
    if not form.is_valid():
        return _render_checklist(request, task, {"finish": form}, status=400)
    data = form.cleaned_data
    try:
        services.task_finish(
            actor=user,
            task=task,
            present=list(data["present"]),
            business_signatory=data["business_signatory"],
            business_refusal=data["business_refusal"],
            version=data["version"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_checklist(request, task, {"finish": form}, status=400)
    except (InvalidTransition, StaleObject) as exc:
        return _conflict(request, task.pk, exc)
    return _done(request, task, _("Check finished and signed off. Hand the findings on."), "#findings")


# --- files --------------------------------------------------------------------------------------------------


def _file_response(field: Any, content_type: str, filename: str, disposition: str = "inline") -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def photo_view(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """A check-point photo, for those who may see its task."""
    visible = InspectionTask.objects.visible_to(request.user).values("pk")
    photo = access_or_404(PointPhoto.objects.filter(task_point__task__in=visible), pk=pk)
    ext = (photo.file.name or "").rsplit(".", 1)[-1]
    return _file_response(photo.file, photo.content_type, f"inspection-photo-{photo.pk}.{ext}")


@login_required
@require_GET
def document_download(request: AuthedHttpRequest, pk: int, doc_pk: int) -> FileResponse:
    task = _task(request.user, pk)
    row = access_or_404(task.documents.all(), pk=doc_pk)
    return _file_response(row.file, "application/pdf", f"inspection-{task.pk}-{row.kind}-v{row.version}.pdf")


@login_required
@require_GET
def code_qr(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The task's inspection code as an SVG QR image, shown on the officer's phone for the business to
    scan."""
    task = _task(request.user, pk)
    if not task.code:
        raise Http404
    url = request.build_absolute_uri(reverse("inspection-code", args=[task.code]))
    response = HttpResponse(documents.qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- a department's invitations -----------------------------------------------------------------------------


def _render_invitations(
    request: AuthedHttpRequest, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    open_rows = list(invitation_inbox_for(user=user))
    answered = (
        invitation_inbox_for(user=user, open_only=False)
        .exclude(pk__in=[i.pk for i in open_rows])
        .select_related("responded_by")
        .order_by("-task__planned_on")[:30]
    )
    templates = active_templates(user.unit_id or 0)
    by_scenario = {t.scenario: t.pk for t in templates}
    rows = [
        {
            "invitation": i,
            "accept_form": bound.get(f"i{i.pk}")
            or forms.AcceptForm(
                templates=templates,
                prefix=f"i{i.pk}",
                initial={"template": by_scenario.get(i.task.scenario)},  # our checklist for the same scene
            ),
            "decline_form": bound.get(f"d{i.pk}") or forms.DeclineForm(prefix=f"d{i.pk}"),
            "may_answer": can_answer_invitation(user, i),
        }
        for i in open_rows
    ]
    return render(
        request, "inspections/invitations.html", {"rows": rows, "answered": answered}, status=status
    )


@login_required
@require_GET
def invitations(request: AuthedHttpRequest) -> HttpResponse:
    """部门邀约: the department's open invitations, and what it answered before."""
    if not scope_for(request.user).department_ids:
        raise PermissionDenied
    return _render_invitations(request)


@login_required
@require_POST
def invitation_answer(request: AuthedHttpRequest, pk: int, answer: str) -> HttpResponse:
    user = request.user
    if answer not in {"accept", "decline"}:
        raise Http404
    invitation = access_or_404(invitation_inbox_for(user=user, open_only=False), pk=pk)
    if not can_answer_invitation(user, invitation):
        raise PermissionDenied
    form: forms.AcceptForm | forms.DeclineForm
    if answer == "accept":
        form = forms.AcceptForm(
            request.POST, templates=active_templates(invitation.department_id), prefix=f"i{pk}"
        )
    else:
        form = forms.DeclineForm(request.POST, prefix=f"d{pk}")
    key = form.prefix or ""
    if not form.is_valid():
        return _render_invitations(request, {key: form}, status=400)
    try:
        if isinstance(form, forms.AcceptForm):
            services.invitation_accept(
                actor=user, invitation=invitation, template=form.cleaned_data["template"]
            )
        else:
            services.invitation_decline(actor=user, invitation=invitation, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_invitations(request, {key: form}, status=400)
    except InvalidTransition as exc:
        messages.warning(request, str(exc))
        return redirect("inspection-invitations")
    if isinstance(form, forms.AcceptForm):
        messages.success(request, _("Accepted: our checklist is merged into the visit."))
        return redirect("inspection-detail", pk=invitation.task_id)
    messages.success(request, _("Declined, with the reason recorded."))
    return redirect("inspection-invitations")


# --- businesses: the registry and each one's ledger ---------------------------------------------------------


@login_required
@require_GET
def subject_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.unit is None:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(subjects_for(user=user, query=query), 30).get_page(request.GET.get("page"))
    return render(request, "inspections/subject_list.html", {"page": page, "q": query})


@login_required
@require_http_methods(["GET", "POST"])
def subject_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The business's page: every visit by any unit (the ledger), the inspections the user may open, open
    rectifications, and the cases and whistles they led to."""
    user = request.user
    subject = subject_get_for(user=user, pk=pk)
    towns = Unit.objects.filter(district_id=subject.district_id, kind=Unit.Kind.TOWN, is_active=True)
    may_record = user.unit is not None and can_record_visit(user, user.unit)
    visit_form = None
    status = 200
    profile = SubjectProfile.objects.filter(subject=subject).first()
    may_profile = can_set_subject_profile(user, subject.district_id)
    profile_form = None
    if request.method == "POST" and request.POST.get("form") == "profile":
        if not may_profile:
            raise PermissionDenied
        profile_form = forms.SubjectProfileForm(request.POST)
        if profile_form.is_valid():
            data = profile_form.cleaned_data
            try:
                plan_services.subject_profile_set(actor=user, subject=subject, **data)
            except ValidationError as exc:
                add_service_errors(profile_form, exc)
            else:
                messages.success(request, _("Type, risk level and place saved."))
                return redirect("inspection-subject", pk=subject.pk)
        status = 400
    elif request.method == "POST":
        if not may_record or user.unit is None:
            raise PermissionDenied
        visit_form = forms.VisitForm(request.POST, towns=towns)
        if visit_form.is_valid():
            data = visit_form.cleaned_data
            try:
                services.visit_record(
                    actor=user,
                    unit=user.unit,
                    subject=subject,
                    visited_on=data["visited_on"],
                    purpose=data["purpose"],
                    with_code=data["with_code"],
                    no_code_reason=data["no_code_reason"],
                    town=data["town"],
                )
            except ValidationError as exc:
                add_service_errors(visit_form, exc)
            else:
                messages.success(request, _("Visit recorded on the ledger."))
                return redirect("inspection-subject", pk=subject.pk)
        status = 400
    today = clock.today()
    tasks = list(subject_tasks_for(user=user, subject=subject))
    visible_ids = {t.pk for t in tasks}
    findings = list(
        TaskPoint.objects.filter(task_id__in=visible_ids, result=PointResult.FAIL)
        .select_related("task", "point", "case", "whistle", "holder_town", "holder_department")
        .order_by("-task__planned_on", "point__code")
    )
    rechecked = set(
        TaskPoint.objects.filter(
            task__follow_up_of_id__in=visible_ids, task__subject=subject, result=PointResult.PASS
        ).values_list("task__follow_up_of_id", "point_id")
    )
    open_rectifications = [f for f in findings if (f.task_id, f.point_id) not in rechecked]
    policy = frequency_policy_for(subject.district_id)
    if visit_form is None and may_record:
        town = user.unit if user.unit is not None and user.unit.is_town else None
        visit_form = forms.VisitForm(
            towns=towns, initial={"visited_on": today, "with_code": True, "town": town}
        )
    return render(
        request,
        "inspections/subject_detail.html",
        {
            "subject": subject,
            "ledger": _ledger_rows(user, subject),
            "visible_ids": visible_ids,
            "tasks": tasks,
            "open_rectifications": open_rectifications,
            "cases": [f for f in findings if f.case_id],
            "whistles": {f.whistle_id: f for f in findings if f.whistle_id}.values(),
            "counts": routine_counts(subject, today.year),
            "policy": policy,
            "year": today.year,
            "visit_form": visit_form,
            "may_plan": _lead_units(user).exists(),
            "profile": profile,
            "profile_form": profile_form
            or (
                forms.SubjectProfileForm(
                    initial={
                        "subject_type": profile.subject_type,
                        "risk_level": profile.risk_level,
                        "latitude": profile.latitude,
                        "longitude": profile.longitude,
                    }
                    if profile
                    else None
                )
                if may_profile
                else None
            ),
            "plan_lines": subject_plan_lines(subject, today.year),
            "whitelisted": WhiteListEntry.objects.filter(
                subject=subject, valid_from__lte=today, valid_to__gte=today
            ).first(),
        },
        status=status,
    )


def _ledger_rows(user: User, subject: Subject) -> list[dict[str, Any]]:
    """The visits, each with the bodies that came along on a joint visit (the visit counts for each of
    them)."""
    visits = list(
        ledger_for(user=user, subject=subject)
        .filter(Q(task__isnull=True) | ~Q(task__status=TaskStatus.CANCELLED))
        .prefetch_related(
            Prefetch(
                "task__invitations",
                queryset=TaskInvitation.objects.filter(status=TaskInvitation.Status.ACCEPTED).select_related(
                    "department"
                ),
            )
        )[:200]
    )
    return [
        {"visit": v, "joined": [i.department for i in v.task.invitations.all()] if v.task is not None else []}
        for v in visits
    ]


# --- the report ---------------------------------------------------------------------------------------------

REPORT_COLUMNS = [
    ("inspections", _lazy("visits made")),
    ("joint", _lazy("of which joint")),
    ("departments_per_joint", _lazy("bodies per joint visit")),
    ("visits_saved", _lazy("visits saved")),
    ("with_code", _lazy("visits with the code shown")),
    ("failures", _lazy("failed points")),
    ("cases", _lazy("draft cases")),
    ("whistles", _lazy("whistles")),
    ("rechecked", _lazy("rectified on a re-check")),
    ("codes_scanned", _lazy("codes opened by the business")),
]


@login_required
@require_GET
def report(request: AuthedHttpRequest) -> HttpResponse:
    """The figures per town and department over a period, with CSV and XLSX."""
    user = request.user
    if not can_view_inspection_report(user):
        raise PermissionDenied
    district_id = _district_id(user)
    today = clock.today()
    form = forms.PeriodForm(
        request.GET if {"start", "end"} & set(request.GET) else None,
        initial={"start": today.replace(month=1, day=1), "end": today},
    )
    start, end = today.replace(month=1, day=1), today
    if form.is_valid():
        start, end = form.cleaned_data.get("start") or start, form.cleaned_data.get("end") or end
    total = inspection_figures(district=district_id, start=start, end=end)
    rows = [
        (unit, inspection_figures(district=district_id, start=start, end=end, unit=unit))
        for unit in report_units(district=district_id, start=start, end=end)
    ]
    fmt = request.GET.get("format", "")
    if fmt in {"csv", "xlsx"}:
        return _report_file(fmt, total, rows, start, end)
    chart = {
        "units": [u.name for u, _f in rows],
        "inspections": [f.inspections for _u, f in rows],
        "joint": [f.joint for _u, f in rows],
        "failures": [f.failures for _u, f in rows],
        "labels": {
            "inspections": _("visits made"),
            "joint": _("of which joint"),
            "failures": _("failed points"),
        },
    }
    return render(
        request,
        "inspections/report.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "total": total,
            "rows": rows,
            "columns": REPORT_COLUMNS,
            "at_cap": bodies_at_cap(district=district_id, year=end.year),
            "per_business": visits_per_business(district=district_id, year=end.year),
            "policy": frequency_policy_for(district_id),
            "chart": chart,
        },
    )


def _report_file(
    fmt: str, total: Any, rows: list[tuple[Unit, Any]], start: dt.date, end: dt.date
) -> HttpResponse:
    from enforcement.spreadsheets import csv_bytes, xlsx_append

    header = [str(_("Unit")), *[str(label) for _key, label in REPORT_COLUMNS]]
    lines = [[str(_("District total")), *[getattr(total, key) for key, _label in REPORT_COLUMNS]]]
    lines += [[unit.name, *[getattr(f, key) for key, _label in REPORT_COLUMNS]] for unit, f in rows]
    lines = [[round(v, 2) if isinstance(v, float) else v for v in line] for line in lines]
    name = f"inspections-{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "csv":
        response = HttpResponse(csv_bytes([header, *lines]), content_type="text/csv; charset=utf-8")
    else:
        import io

        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        for line in [header, *lines]:
            xlsx_append(sheet, line)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- the public page of an inspection code ------------------------------------------------------------------


@login_not_required
@never_cache
def code_public(request: HttpRequest, code: str) -> HttpResponse:
    """执法码: the business scans it and sees who is coming, for which task, items and basis, and the
    certificates."""
    view = code_view(code, clock.today())
    if request.method == "GET":
        plan_services.code_scan_record(code=code)
    response = render(request, "inspections/code_public.html", {"view": view, "code": code})
    response["Referrer-Policy"] = (
        "no-referrer"  # the code is the key to this page: do not leak it to other sites
    )
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def code_record(request: HttpRequest, code: str) -> HttpResponse:
    """The business's own minimal record, reached through a code it was shown and its own credit code: its visits,
    how many points failed, what it still has to rectify. Nothing about other parties."""
    code_task(code)  # a 404 before any form for a code that opens nothing
    form = forms.OwnRecordForm(request.POST or None)
    record = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = own_record_for_code(code, form.cleaned_data["identifier"])
            except ValidationError as exc:
                add_service_errors(form, exc)
        if record is None:
            status = 400
    response = render(
        request,
        "inspections/code_record.html",
        {"record": record, "code": code, "form": form},
        status=status,
    )
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
