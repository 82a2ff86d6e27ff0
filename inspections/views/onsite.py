"""The on-site checklist (现场检查) on a phone: one card per point, answers with photos, ad hoc points, the
sign-off; and the files of a task (photos, notices, the code's QR)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement import clock
from enforcement.access import access_or_404
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import User
from enforcement.workflow import InvalidTransition, StaleObject

from .. import documents, forms, services
from ..models import (
    InspectionTask,
    PointPhoto,
    TaskPoint,
)
from ..rules import (
    can_record_results,
)
from ..selectors import (
    points_addable_on_site,
)
from ..workflow import (
    PointResult,
    TaskStatus,
)
from ._common import _conflict
from .task_page import _done, _task

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
