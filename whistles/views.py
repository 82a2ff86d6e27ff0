"""Whistle pages. Thin: read through selectors, write through services, show the answers of rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.access import scope_for
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import Unit, User
from enforcement.origins import ORIGIN_PARAMETERS, resolve_origin
from enforcement.paging import page_context
from enforcement.refusals import show_refusal
from enforcement.submissions import idempotent_submission
from enforcement.workflow import InvalidTransition, StaleObject

from . import clock, services
from .assessment import assess, default_period
from .downloads import photo_file_response
from .forms import (
    AddDepartmentForm,
    AssessmentPeriodForm,
    ConfirmForm,
    DeadlinePolicyForm,
    HandleForm,
    NoteForm,
    PhotoForm,
    RequiredNoteForm,
    ReturnForm,
    WhistleRaiseForm,
    WithdrawForm,
)
from .models import WhistleAssignment, WhistleRequest
from .notifications import link_for
from .notifications import render as render_notification
from .rules import (
    can_act_on_assignment,
    can_add_department,
    can_add_photo,
    can_edit_deadlines,
    can_view_assessment,
    can_withdraw_whistle,
    towns_user_may_whistle_for,
)
from .selectors import (
    assignment_get_for,
    assignments_of,
    current_due,
    deadline_table,
    departments_of,
    inbox_counts,
    inbox_for,
    items_for_whistle,
    missed_steps,
    notification_get_for,
    notifications_for,
    photo_get_for,
    photos_of,
    returns_to_review_for,
    suggest_department,
    timeline_of,
    unread_count,
    whistle_get_for,
    whistle_list_for,
)
from .workflow import (
    TRANSITIONS,
    Action,
    Reason,
    Side,
    Status,
    Urgency,
    WhistleStatus,
    actions_from,
)

ACTION_FORMS: dict[Action, type] = {
    Action.ACKNOWLEDGE: NoteForm,
    Action.ARRIVE: NoteForm,
    Action.HANDLE: HandleForm,
    Action.RETURN: ReturnForm,
    Action.CONFIRM: ConfirmForm,
    Action.REOPEN: RequiredNoteForm,
    Action.OVERRULE: RequiredNoteForm,
    Action.UPHOLD: RequiredNoteForm,
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- lists --------------------------------------------------------------------------------------------------


@require_GET
def whistle_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    filters: dict[str, Any] = {
        "status": request.GET.get("status", "")
        if request.GET.get("status", "") in WhistleStatus.values
        else "",
        "urgency": request.GET.get("urgency", "") if request.GET.get("urgency", "") in Urgency.values else "",
        "town_id": _int(request.GET.get("town")),
        "department_id": _int(request.GET.get("department")),
        "overdue": request.GET.get("overdue") == "1",
        "returned": request.GET.get("returned") == "1",
        "query": request.GET.get("q", "").strip()[:100],
    }
    whistles = whistle_list_for(user=user, **filters)
    paged = page_context(request.GET, whistles, 25)
    now = clock.now()
    rows = []
    for whistle in paged["page"].rows:
        assignments = list(whistle.assignments.all())
        rows.append(
            {
                "whistle": whistle,
                "assignments": [(a, current_due(a, now)) for a in assignments],
                "overdue": any(
                    missed_steps(a, now) and a.status in (Status.SENT, Status.ACKNOWLEDGED, Status.ON_SITE)
                    for a in assignments
                ),
            }
        )
    district_ids = scope.district_ids
    context = {
        **paged,
        "rows": rows,
        "filters": filters,
        "statuses": WhistleStatus.choices,
        "urgencies": Urgency.choices,
        "towns": Unit.objects.filter(district_id__in=district_ids, kind=Unit.Kind.TOWN)
        if scope.district_admin
        else [],
        "departments": Unit.objects.filter(district_id__in=district_ids, kind=Unit.Kind.DEPARTMENT)
        if scope.district_admin
        else [],
        "may_raise": bool(towns_user_may_whistle_for(user)),
        "is_department": bool(scope.department_ids),
        "is_admin": scope.district_admin,
    }
    return render(request, "whistles/whistle_list.html", context)


@require_GET
def whistle_inbox(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not scope_for(user).department_ids:
        raise PermissionDenied
    show_waiting = request.GET.get("all") == "1"
    now = clock.now()
    rows = [(a, current_due(a, now)) for a in inbox_for(user=user, include_waiting=show_waiting)[:200]]
    return render(
        request,
        "whistles/whistle_inbox.html",
        {
            "rows": rows,
            "counts": inbox_counts(user=user),
            "show_waiting": show_waiting,
            "department": user.unit,
        },
    )


@require_GET
def whistle_returns(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not scope_for(user).district_admin:
        raise PermissionDenied
    return render(request, "whistles/whistle_returns.html", {"assignments": returns_to_review_for(user=user)})


# --- raising ------------------------------------------------------------------------------------------------


def _raise_form_querysets(user: User) -> dict[str, QuerySet[Any]]:
    town_ids = towns_user_may_whistle_for(user)
    towns = Unit.objects.filter(pk__in=town_ids).order_by("code")
    first = towns.first()
    district_id = first.district_id if first is not None else None
    return {
        "towns": towns,
        "items": items_for_whistle(district_id) if district_id else items_for_whistle(-1),
        "departments": departments_of(district_id) if district_id else departments_of(-1),
    }


def _prefill(
    request: HttpRequest, user: User, querysets: dict[str, QuerySet[Any]]
) -> tuple[dict[str, Any], Any]:
    """Initial values from GET: ?item=, ?case= / ?inspection= / ?complaint=, and plain fields (title, address,
    description, urgency, reason)."""
    initial: dict[str, Any] = {}
    for key in ("title", "address", "description"):
        if request.GET.get(key):
            initial[key] = request.GET[key][:2000]
    if request.GET.get("urgency") in Urgency.values:
        initial["urgency"] = request.GET["urgency"]
    if request.GET.get("reason") in Reason.values:
        initial["reason"] = request.GET["reason"]
    origin = None
    for origin_type in ORIGIN_PARAMETERS:
        origin_id = request.GET.get(origin_type, "").strip()[:64]
        if origin_id:
            origin = resolve_origin(user, origin_type, origin_id)
            if origin is None:
                messages.warning(request, _("The case, inspection or complaint in the link was not found."))
                break
            initial.update({"origin_type": origin_type, "origin_id": origin_id})
            for key in ("title", "address", "description"):
                if getattr(origin, key) and key not in initial:
                    initial[key] = getattr(origin, key)
            if origin.item_id and "item" not in request.GET:
                initial["item"] = origin.item_id
            break
    item_id = _int(request.GET.get("item")) or initial.get("item")
    item = querysets["items"].filter(pk=item_id).first() if item_id else None
    if item is not None:
        initial["item"] = item.pk
    if request.GET.get("town"):
        initial["town"] = _int(request.GET["town"])
    town = querysets["towns"].filter(pk=initial.get("town")).first() or querysets["towns"].first()
    suggestion = suggest_department(item=item, town=town)
    if (
        suggestion.department is not None
        and querysets["departments"].filter(pk=suggestion.department.pk).exists()
    ):
        initial["departments"] = [suggestion.department.pk]
    if (
        item is not None
        and "reason" not in initial
        and suggestion.department is not None
        and not suggestion.town_holds
    ):
        initial["reason"] = "no_power"
    return initial, (origin, suggestion)


@require_http_methods(["GET", "POST"])
@idempotent_submission
def whistle_raise(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    querysets = _raise_form_querysets(user)
    first_town = querysets["towns"].first()
    if first_town is None:
        raise PermissionDenied
    origin = suggestion = None
    if request.method == "POST":
        form = WhistleRaiseForm(request.POST, request.FILES, **querysets)
        if form.is_valid():
            data = form.cleaned_data
            origin_label = ""
            if data.get("origin_type"):
                resolved = resolve_origin(user, data["origin_type"], data["origin_id"])
                if resolved is None:
                    data["origin_type"], data["origin_id"] = "", ""
                else:
                    origin_label = resolved.label
            try:
                whistle = services.whistle_raise(
                    actor=user,
                    town=data["town"],
                    title=data["title"],
                    description=data["description"],
                    reason=data["reason"],
                    urgency=data["urgency"],
                    address=data["address"],
                    departments=list(data["departments"]),
                    item=data.get("item"),
                    latitude=data.get("latitude"),
                    longitude=data.get("longitude"),
                    origin_type=data.get("origin_type") or "",
                    origin_id=data.get("origin_id") or "",
                    origin_label=origin_label,
                    photos=data.get("photos") or [],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Whistle %(ref)s sent.") % {"ref": whistle.reference})
                return redirect("whistle-detail", pk=whistle.pk)
        selected_item = querysets["items"].filter(pk=_int(request.POST.get("item"))).first()
        suggestion = suggest_department(
            item=selected_item, town=form.cleaned_data.get("town") if hasattr(form, "cleaned_data") else None
        )
        status = 400
    else:
        initial, (origin, suggestion) = _prefill(request, user, querysets)
        form = WhistleRaiseForm(initial=initial, **querysets)
        status = 200
    district_id = first_town.district_id
    return render(
        request,
        "whistles/whistle_raise.html",
        {
            "form": form,
            "origin": origin,
            "suggestion": suggestion,
            "deadlines": deadline_table(district_id),
            "checked": {str(v) for v in (form["departments"].value() or [])},
        },
        status=status,
    )


@require_GET
def whistle_suggest(request: AuthedHttpRequest) -> HttpResponse:
    """htmx: the departments checkboxes with the one `who_enforces` names for the chosen item pre-ticked."""
    user = request.user
    querysets = _raise_form_querysets(user)
    if not querysets["towns"].exists():
        raise PermissionDenied
    item = querysets["items"].filter(pk=_int(request.GET.get("item"))).first()
    town = querysets["towns"].filter(pk=_int(request.GET.get("town"))).first() or querysets["towns"].first()
    suggestion = suggest_department(item=item, town=town)
    checked = set(request.GET.getlist("departments"))
    if suggestion.department is not None:
        checked.add(str(suggestion.department.pk))
    form = WhistleRaiseForm(**querysets)
    return render(
        request, "whistles/_departments.html", {"form": form, "suggestion": suggestion, "checked": checked}
    )


# --- one whistle --------------------------------------------------------------------------------------------


def _assignment_view(
    user: User, whistle: WhistleRequest, assignment: WhistleAssignment, bound: dict[Any, Any]
) -> dict[str, Any]:
    now = clock.now()
    actions = []
    if whistle.status == WhistleStatus.OPEN:
        for transition in actions_from(assignment.status):
            if transition.action == Action.CANCEL or not can_act_on_assignment(
                user, assignment, transition.action
            ):
                continue
            form = bound.get((assignment.pk, transition.action)) or ACTION_FORMS[transition.action](
                prefix=f"a{assignment.pk}-{transition.action}"
            )
            actions.append(
                {
                    "action": transition.action.value,
                    "label": transition.action.label,
                    "side": transition.side.value,
                    "form": form,
                }
            )
    return {
        "a": assignment,
        "due": current_due(assignment, now),
        "missed": missed_steps(assignment, now),
        "actions": actions,
        "returns": list(assignment.returns.all()),
        "may_add_photo": can_add_photo(user, whistle, assignment),
        "photos": [p for p in assignment.photos.all()],
    }


def _render_detail(
    request: AuthedHttpRequest,
    whistle: WhistleRequest,
    bound: dict[Any, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    assignments = assignments_of(whistle)
    called = {a.department_id for a in assignments}
    may_add = can_add_department(user, whistle)
    context = {
        "whistle": whistle,
        "assignments": [_assignment_view(user, whistle, a, bound) for a in assignments],
        "timeline": timeline_of(whistle),
        "town_photos": [p for p in photos_of(whistle) if p.assignment_id is None],
        "suggestion": suggest_department(
            item=whistle.item, town=whistle.town, on=timezone.localtime(whistle.raised_at).date()
        )
        if whistle.item
        else None,
        "may_withdraw": can_withdraw_whistle(user, whistle),
        "withdraw_form": bound.get("withdraw") or WithdrawForm(),
        "may_add_department": may_add,
        "add_department_form": bound.get("add_department")
        or AddDepartmentForm(departments=departments_of(whistle.district_id).exclude(pk__in=called)),
        "may_add_photo": can_add_photo(user, whistle),
        "photo_form": bound.get("photo") or PhotoForm(),
        "total_returns": sum(a.return_count for a in assignments),
    }
    return render(request, "whistles/whistle_detail.html", context, status=status)


@require_GET
def whistle_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    whistle = whistle_get_for(user=request.user, pk=pk)
    return _render_detail(request, whistle)


@require_POST
def assignment_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    user = request.user
    if action not in Action.values or action == Action.CANCEL:
        raise Http404
    act = Action(action)
    assignment = assignment_get_for(user=user, pk=pk)
    whistle = whistle_get_for(user=user, pk=assignment.whistle_id)
    if not can_act_on_assignment(user, assignment, act):
        raise PermissionDenied
    form = ACTION_FORMS[act](request.POST, request.FILES, prefix=f"a{assignment.pk}-{act}")
    if not form.is_valid():
        return _render_detail(request, whistle, {(assignment.pk, act): form}, status=400)
    data = form.cleaned_data
    try:
        if act == Action.HANDLE:
            services.assignment_handle(
                actor=user,
                assignment=assignment,
                note=data["note"],
                case_ref=data["case_ref"],
                photos=data["photos"],
            )
        elif act == Action.RETURN:
            services.assignment_return(
                actor=user, assignment=assignment, reason=data["reason"], note=data["note"]
            )
        elif act == Action.CONFIRM:
            services.assignment_confirm(
                actor=user, assignment=assignment, rating=data["rating"], comment=data["comment"]
            )
        else:
            services.ACTION_SERVICES[act](actor=user, assignment=assignment, note=data["note"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, whistle, {(assignment.pk, act): form}, status=400)
    except (InvalidTransition, StaleObject) as exc:
        return show_refusal(request, exc, back_to=reverse("whistle-detail", args=[whistle.pk]))
    messages.success(request, _("%(action)s: done.") % {"action": TRANSITIONS[act].action.label})
    return HttpResponseRedirect(reverse("whistle-detail", args=[whistle.pk]) + f"#assignment-{assignment.pk}")


@require_POST
def whistle_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    whistle = whistle_get_for(user=user, pk=pk)
    if not can_withdraw_whistle(user, whistle):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, whistle, {"withdraw": form}, status=400)
    try:
        services.whistle_withdraw(actor=user, whistle=whistle, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, whistle, {"withdraw": form}, status=400)
    except (InvalidTransition, StaleObject) as exc:
        return show_refusal(request, exc, back_to=reverse("whistle-detail", args=[whistle.pk]))
    messages.success(request, _("Whistle withdrawn."))
    return redirect("whistle-detail", pk=whistle.pk)


@require_POST
def whistle_add_department(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    whistle = whistle_get_for(user=user, pk=pk)
    if not can_add_department(user, whistle):
        raise PermissionDenied
    form = AddDepartmentForm(request.POST, departments=departments_of(whistle.district_id))
    if not form.is_valid():
        return _render_detail(request, whistle, {"add_department": form}, status=400)
    try:
        services.whistle_add_department(
            actor=user, whistle=whistle, department=form.cleaned_data["department"]
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, whistle, {"add_department": form}, status=400)
    except (InvalidTransition, StaleObject) as exc:
        return show_refusal(request, exc, back_to=reverse("whistle-detail", args=[whistle.pk]))
    messages.success(request, _("%(unit)s has been called.") % {"unit": form.cleaned_data["department"]})
    return redirect("whistle-detail", pk=whistle.pk)


@require_POST
def whistle_photo_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    whistle = whistle_get_for(user=user, pk=pk)
    assignment = None
    if request.POST.get("assignment"):
        assignment = assignment_get_for(user=user, pk=request.POST["assignment"])
    if not can_add_photo(user, whistle, assignment):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, whistle, {"photo": form}, status=400)
    try:
        services.whistle_photo_add(
            actor=user,
            whistle=whistle,
            photos=form.cleaned_data["photos"],
            assignment=assignment,
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_detail(request, whistle, {"photo": form}, status=400)
    messages.success(request, _("Photos added."))
    return redirect("whistle-detail", pk=whistle.pk)


@require_GET
def photo_view(request: AuthedHttpRequest, pk: int) -> FileResponse:
    return photo_file_response(photo_get_for(user=request.user, pk=pk))


# --- assessment ---------------------------------------------------------------------------------------------


@require_GET
def assessment_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not can_view_assessment(user):
        raise PermissionDenied
    start, end = default_period(timezone.localdate())
    asked = "start" in request.GET or "end" in request.GET
    form = AssessmentPeriodForm(request.GET if asked else None, initial={"start": start, "end": end})
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    result = assess(user=user, start=start, end=end)
    chart = {
        "departments": [d.department.name for d in result.departments],
        "on_time": [
            round(d.on_time_rate * 100, 1) if d.on_time_rate is not None else None for d in result.departments
        ],
        "return_rate": [
            round(d.return_rate * 100, 1) if d.return_rate is not None else None for d in result.departments
        ],
        "rating": [d.average_rating for d in result.departments],
        "months": [m["month"] for m in result.months],
        "raised": [m["raised"] for m in result.months],
        "returns": [m["returns"] for m in result.months],
        "towns": [t.town.name for t in result.towns],
        "justified": [
            round(t.justified_share * 100, 1) if t.justified_share is not None else None for t in result.towns
        ],
        "labels": {
            "on_time": _("On-time rate %"),
            "return_rate": _("Return rate %"),
            "rating": _("Average rating"),
            "raised": _("Whistles raised"),
            "returns": _("Returns"),
            "justified": _("Share justified %"),
        },
    }
    return render(
        request,
        "whistles/assessment.html",
        {
            "form": form,
            "result": result,
            "start": start,
            "end": end,
            "chart": chart,
            "is_admin": scope_for(user).district_admin,
        },
    )


# --- notifications ------------------------------------------------------------------------------------------


@require_GET
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    paged = page_context(request.GET, notifications_for(user=user), 30)
    items = [{"n": n, "text": render_notification(n)} for n in paged["page"].rows]
    return render(
        request,
        "whistles/notification_list.html",
        {**paged, "items": items, "unread": unread_count(user=user)},
    )


@require_POST
def notification_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    notification = notification_get_for(user=user, pk=pk)
    services.notification_mark_read(actor=user, notification=notification)
    return redirect(link_for(notification))


@require_POST
def notification_read_all(request: AuthedHttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("whistle-notifications")
    return redirect(target)


@require_GET
def notification_badge(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "whistles/_bell_badge.html", {"count": unread_count(user=request.user)})


# --- settings -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def deadline_settings(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    district = user.unit.district if user.unit else None
    if district is None or not can_edit_deadlines(user, district.pk):
        raise PermissionDenied
    table = deadline_table(district)
    forms = {}
    status = 200
    for urgency, _label, deadlines, _overridden in table:
        initial = {
            "check_in_minutes": int(deadlines.check_in.total_seconds() // 60),
            "on_site_minutes": int(deadlines.on_site.total_seconds() // 60),
            "handle_minutes": int(deadlines.handle.total_seconds() // 60),
            "remind_before_minutes": int(deadlines.remind_before.total_seconds() // 60),
            "escalate_after_minutes": int(deadlines.escalate_after.total_seconds() // 60),
        }
        bound = request.method == "POST" and request.POST.get("urgency") == urgency
        forms[urgency] = DeadlinePolicyForm(request.POST if bound else None, initial=initial, prefix=urgency)
    if request.method == "POST":
        urgency = request.POST.get("urgency", "")
        form = forms.get(urgency)
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.deadline_policy_set(
                    actor=user, district=district, urgency=urgency, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Deadlines saved. They apply to whistles sent from now on."))
                return redirect("whistle-deadlines")
        status = 400
    rows = [
        {"urgency": u, "label": label, "deadlines": d, "overridden": o, "form": forms[u]}
        for u, label, d, o in table
    ]
    return render(request, "whistles/deadline_settings.html", {"rows": rows, "sides": Side}, status=status)
