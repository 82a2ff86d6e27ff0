"""Lists of penalty cases: "my cases" (filters, keyset pages) and the supervisor and legal-review queues."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.access import scope_for
from enforcement.http import AuthedHttpRequest
from enforcement.markup import escape
from enforcement.work_cache import work_page

from .. import approval, clock, rules
from ..forms import ArchiveBatchForm
from ..selectors import CaseFilters, awaiting_review_for, case_page_for
from ..workflow import Stage
from .common import case_row, int_or_none, items_for_filter, may_file_cases, truncated

DUE_CHOICES = [
    ("3", gettext_lazy("Due within 3 days")),
    ("7", gettext_lazy("Due within 7 days")),
    ("overdue", gettext_lazy("Overdue")),
]
QUEUE_LIMIT = 200


# --- "my cases" ---------------------------------------------------------------------------------------------


def _list_filters(request: HttpRequest, item_ids: Collection[int]) -> tuple[CaseFilters, dict[str, Any]]:
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    item_id = int_or_none(request.GET.get("item"))
    if item_id is not None and item_id not in item_ids:
        item_id = None
    due = request.GET.get("due", "")
    due_within = {"3": 3, "7": 7, "overdue": -1}.get(due)
    if due_within is None:
        due = ""
    mine = request.GET.get("mine") == "1"
    query = request.GET.get("q", "").strip()[:100]
    filters = CaseFilters(stage=stage, item_id=item_id, due_within=due_within, mine=mine, query=query)
    shown = {"stage": stage, "item": item_id, "due": due, "mine": mine, "q": query}
    return filters, shown


@login_required
@require_GET
@work_page(skip=("q",))  # a search is free text: built each time, as the public pages do
def case_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    items = items_for_filter(scope.district_ids)
    filters, shown = _list_filters(request, {pk for pk, *_names in items})
    after = request.GET.get("after", "")[:80]
    page = case_page_for(user=user, filters=filters, after=after)
    today = clock.today()
    kept = request.GET.copy()
    kept.pop("after", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "rows": [case_row(c, today) for c in page.cases],
            "page": page,
            "after": after,
            "filters": shown,
            "stages": Stage.choices,
            "item_options": _item_options(items, shown["item"]),
            "due_choices": DUE_CHOICES,
            "query_without_cursor": kept.urlencode(),
            "can_file": may_file_cases(user),
            "can_approve": rules.can_view_approvals(user),
            "can_review": rules.can_view_reviews(user),
        },
    )


def _item_options(items: Sequence[tuple[int, str, str, str]], chosen: int | None) -> SafeString:
    """~100 options of the district's catalog, written here (in the template they were a third of the page;
    through format_html and a model per item, a fifth: issue 18)."""
    english = (get_language() or "zh-hans").startswith("en")
    return mark_safe(  # noqa: S308  (every value escaped)
        "".join(
            f'<option value="{pk}"{" selected" if chosen == pk else ""}>{escape(code)} '
            f"{escape(truncated(name_en if english and name_en else name_zh, 30))}</option>"
            for pk, code, name_zh, name_en in items
        )
    )


# --- queues -------------------------------------------------------------------------------------------------


def _queue(request: HttpRequest, cases: Any, *, queue: str, title: Any, intro: Any) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "cases/case_queue.html",
        {
            "rows": [case_row(c, today) for c in cases[:QUEUE_LIMIT]],
            "queue": queue,
            "title": title,
            "intro": intro,
            "limit": QUEUE_LIMIT,
        },
    )


def _archive_form(data: Any = None) -> ArchiveBatchForm:
    form = ArchiveBatchForm(data)
    form.auto_id = "archive-%s"
    return form


def _approvals_page(
    request: AuthedHttpRequest, *, form: ArchiveBatchForm | None = None, status: int = 200
) -> HttpResponse:
    today = clock.today()
    groups = approval.approval_queue(user=request.user, today=today)
    return render(
        request,
        "cases/approvals.html",
        {
            "groups": [
                {"group": g, "rows": [{**case_row(r.case, today), "urgency": r.urgency} for r in g.rows]}
                for g in groups
            ],
            "total": sum(len(g.rows) for g in groups),
            "archive_form": form or _archive_form(),
            "limit": approval.QUEUE_LIMIT,
        },
        status=status,
    )


@login_required
@require_GET
def approvals(request: AuthedHttpRequest) -> HttpResponse:
    """The approvals queue: grouped by what is asked, the nearest deadline first in each group, urgency in
    words and colour; closed cases can be archived several at once."""
    if not rules.can_view_approvals(request.user):
        raise PermissionDenied
    return _approvals_page(request)


@login_required
@require_POST
def approvals_archive(request: AuthedHttpRequest) -> HttpResponse:
    """Archive the ticked closed cases (each on its own; the refusals are listed per case)."""
    if not rules.can_view_approvals(request.user):
        raise PermissionDenied
    form = _archive_form(request.POST)
    if not form.is_valid():
        return _approvals_page(request, form=form, status=400)
    result = approval.cases_archive(
        actor=request.user, case_ids=form.cleaned_data["cases"], archive_ref=form.cleaned_data["archive_ref"]
    )
    if result.archived:
        messages.success(
            request,
            ngettext(
                "%(n)s case archived: %(numbers)s.",
                "%(n)s cases archived: %(numbers)s.",
                len(result.archived),
            )
            % {"n": len(result.archived), "numbers": "、".join(c.reference for c in result.archived)},
        )
    for refusal in result.refused:
        messages.warning(
            request,
            _("Not archived: %(case)s: %(reason)s")
            % {"case": refusal.number or f"#{refusal.case_id}", "reason": refusal.detail},
        )
    return redirect("cases:approvals")


@login_required
@require_GET
def reviews(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if not rules.can_view_reviews(user):
        raise PermissionDenied
    return _queue(
        request,
        awaiting_review_for(user=user),
        queue="reviews",
        title=_("Legal review queue"),
        intro=_("Cases waiting for legal review (法制审核, art 58) before the decision."),
    )
