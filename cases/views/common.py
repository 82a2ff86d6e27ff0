"""What the penalty-case pages share: the user of the request, stage badges, list rows, the towns a user files
for."""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from authority.models import EnforcementItem
from enforcement.access import scope_for
from enforcement.held import Held
from enforcement.markup import escape, format_html
from enforcement.models import Unit, User
from enforcement.templatetags.deadlines import deadline_status
from enforcement.units import request_reference_version, unit_by_pk

from .. import rules
from ..deadlines import next_due_label
from ..models import Case
from ..selectors import items_for_cases
from ..workflow import Stage

# Stage badges: where the case waits on someone else (approval, review) it is yellow; finished is grey.
STAGE_BADGES: dict[str, str] = {
    Stage.LEAD: "text-bg-light border",
    Stage.CHECKING: "text-bg-info",
    Stage.FILING_REVIEW: "text-bg-warning",
    Stage.INVESTIGATING: "text-bg-primary",
    Stage.CORRECTING: "text-bg-info",
    Stage.NOTIFIED: "text-bg-primary",
    Stage.HEARING: "text-bg-primary",
    Stage.LEGAL_REVIEW: "text-bg-warning",
    Stage.DECIDING: "text-bg-warning",
    Stage.DECIDED: "text-bg-primary",
    Stage.SERVED: "text-bg-primary",
    Stage.EXECUTED: "text-bg-success",
    Stage.CLOSED: "text-bg-success",
    Stage.ARCHIVED: "text-bg-secondary",
    Stage.NOT_FILED: "text-bg-secondary",
    Stage.TRANSFERRED: "text-bg-secondary",
    Stage.WITHDRAWN: "text-bg-secondary",
}


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def stage_badge(stage: str) -> str:
    return STAGE_BADGES.get(stage, "text-bg-light border")


def case_row(case: Case, today: dt.date) -> dict[str, Any]:
    """A list row, with its link, stage badge and deadline already written, and its phone card and table row
    as HTML (`card_html`, `row_html`, what cases/_case_rows.html shows): the list shows each row twice (cards
    on a phone, a table from md), and the template's ~25 lookups, filters and escapes per row and layout were
    most of the page's time (issue 18). The markup is that of cases/_case_stage.html for the badge, of
    `{% deadline_status %}` for the deadline; tests/cases/test_case_rows_html.py holds the two rows equal to
    the template they replace."""
    overdue = case.next_due is not None and case.next_due < today and case.is_open
    badge = stage_badge(case.stage)
    url = _case_url_template(get_script_prefix()).replace(str(_URL_MARK), str(case.pk))
    stage_html = format_html(
        '<span class="badge {}" data-stage="{}" data-testid="stage-badge">{}</span>',
        badge,
        case.stage,
        case.get_stage_display(),
    )
    due_html = _due_html(case, today, overdue)
    item, town = case.item, case.town
    title, reference, party = escape(case.title), escape(case.reference), escape(case.party_name)
    item_name = escape(item.name) if item is not None else ""
    item_code = escape(item.code) if item is not None else ""
    card = _CARD.format(
        url=escape(url),
        overdue=" border-start border-danger border-3" if overdue else "",
        pk=case.pk,
        title=title,
        stage=stage_html,
        reference=reference,
        party=f" · {party}" if case.party_name else "",
        item=f'<div class="small text-break">{item_code} {item_name}</div>' if item is not None else "",
        next_deadline=escape(gettext("Next deadline")),
        due=due_html,
    )
    row = _ROW.format(
        pk=case.pk,
        overdue=' class="table-danger"' if overdue else "",
        url=escape(url),
        reference=reference,
        town=f'<div class="text-muted">{escape(town.name)}</div>' if town is not None else "",
        title=title,
        party=party if case.party_name else "—",
        item=(
            f'<span title="{item_name}">{item_code}</span>'
            f'<div class="text-muted">{escape(truncated(item.name, 24))}</div>'
            if item is not None
            else f'<span class="text-muted">{escape(gettext("not confirmed"))}</span>'
        ),
        stage=stage_html,
        due=due_html,
    )
    return {
        "case": case,
        "badge": badge,
        "overdue": overdue,
        "url": url,
        "stage_html": stage_html,
        "due_html": due_html,
        "card_html": mark_safe(card),  # noqa: S308  (every value escaped above)
        "row_html": mark_safe(row),  # noqa: S308  (every value escaped above)
    }


_URL_MARK = 987654321987


@functools.cache
def _case_url_template(prefix: str) -> str:
    """The case page's address with a mark for the id, per script prefix: one `reverse` per list, not per
    row."""
    return reverse("cases:case", args=[_URL_MARK])


_CARD = (
    '\n  <a href="{url}" class="list-group-item list-group-item-action{overdue}" data-testid="case-card"'
    ' data-case="{pk}">\n'
    '    <div class="d-flex justify-content-between align-items-start gap-2">\n'
    '      <span class="fw-semibold text-break">{title}</span>\n'
    "      {stage}\n"
    "    </div>\n"
    '    <div class="small text-muted text-break">{reference}{party}</div>\n'
    "    {item}\n"
    '    <div class="small">{next_deadline}: {due}</div>\n'
    "  </a>\n  "
)
_ROW = (
    '\n    <tr data-testid="case-row" data-case="{pk}"{overdue}>\n'
    '      <td class="small"><a href="{url}" class="text-decoration-none">{reference}</a>{town}</td>\n'
    '      <td><a href="{url}" class="text-decoration-none">{title}</a></td>\n'
    '      <td class="small">{party}</td>\n'
    '      <td class="small">{item}</td>\n'
    "      <td>{stage}</td>\n"
    '      <td class="small text-nowrap">{due}</td>\n'
    "    </tr>\n  "
)


def truncated(text: str, length: int) -> str:
    """`Truncator(text).chars(length)` (the `truncatechars` filter), without its character walk for the
    usual text that is short enough already."""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return _truncated(text, length, get_language())


@functools.lru_cache(maxsize=4096)
def _truncated(text: str, length: int, language: str | None) -> str:
    """Truncator's answer, held per process: the lists truncate the same catalog names on every page (about
    a tenth of the case list page's CPU went to walking them, issue 18). The language is in the key because
    the ellipsis is translatable."""
    return Truncator(text).chars(length)


_NO_DUE = mark_safe('<span class="text-muted">—</span>')  # noqa: S308  (a constant)
_OVERDUE = mark_safe(' data-overdue="1"')  # noqa: S308  (a constant)


def _due_html(case: Case, today: dt.date, overdue: bool) -> SafeString:
    if case.next_due is None or not case.is_open:
        return _NO_DUE
    return format_html(
        '<span data-testid="next-due"{}>{}</span>',
        _OVERDUE if overdue else "",
        deadline_status(case.next_due, next_due_label(case), today=today),
    )


def district_items(district_ids: Any) -> QuerySet[EnforcementItem]:
    return items_for_cases(district_ids)


def items_for_filter(district_ids: Collection[int]) -> list[tuple[int, str, str, str]]:
    """(id, code, Chinese name, English name) of the districts' items in force, by code: the case list's item
    filter. Held in the process under the reference-data token, which every change of an item replaces (the
    request read it with its scope: no round trip); read from the database when the cache cannot give it."""
    version = request_reference_version()
    key = (version, tuple(sorted(district_ids)))
    items = _held_items.get(key) if version else None
    if items is None:
        items = list(items_for_cases(district_ids).values_list("pk", "code", "name_zh", "name_en"))
        if version:
            _held_items.put(key, items)
    return items


_held_items: Held[tuple[str, tuple[int, ...]], list[tuple[int, str, str, str]]] = Held(256)


def may_file_cases(user: User) -> bool:
    """`bool(towns_for_case_filing(user))`, from the units held under the reference-data token (no query)
    when the request has read it."""
    version = request_reference_version()
    if not version:
        return bool(towns_for_case_filing(user))
    towns = (unit_by_pk(pk, version) for pk in sorted(scope_for(user).town_ids))
    return any(
        t is not None and t.kind == Unit.Kind.TOWN and t.is_active and rules.can_file_case(user, t)
        for t in towns
    )


def towns_for_case_filing(user: User) -> list[Unit]:
    scope = scope_for(user)
    if not scope.town_ids:
        return []
    towns = Unit.objects.filter(pk__in=scope.town_ids, kind=Unit.Kind.TOWN, is_active=True).order_by("code")
    return [t for t in towns if rules.can_file_case(user, t)]
