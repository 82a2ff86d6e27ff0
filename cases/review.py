"""The legal review checklist (法制审核, art 58): the points a reviewer checks before a decision, each
passed or raised with a note. Recorded on the case (`Case.review_checklist`), printed on the review form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Case

# (key, label on the page, the point and the question as the review form prints them, always in Chinese)
# What a reviewer answers on each point (the API names the choice set CaseReviewPointResultEnum).
POINT_RESULTS = [("passed", gettext_lazy("Passed")), ("raised", gettext_lazy("Raised"))]
POINTS: tuple[tuple[str, Any, str, str], ...] = (
    (
        "subject",
        gettext_lazy("Subject (主体)"),
        "主体",
        "执法主体是否合法，是否超越职权，执法人员是否具备执法资格",
    ),
    ("facts", gettext_lazy("Facts (事实)"), "事实", "案件事实是否清楚，当事人认定是否准确"),
    ("evidence", gettext_lazy("Evidence (证据)"), "证据", "证据是否确凿、充分，取证是否合法"),
    (
        "procedure",
        gettext_lazy("Procedure (程序)"),
        "程序",
        "程序是否合法，告知、陈述申辩、听证等权利是否保障",
    ),
    ("law", gettext_lazy("Legal basis (法律适用)"), "法律适用", "适用法律、法规、规章是否准确"),
    ("discretion", gettext_lazy("Discretion (裁量)"), "裁量", "行政裁量是否适当，是否符合裁量基准"),
)
POINT_KEYS = tuple(point[0] for point in POINTS)
PASSED, RAISED = "passed", "raised"


def checklist_from(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The checklist from form data (`point_<key>` = passed/raised, `point_<key>_note`); refuses, by field,
    a point left unanswered and a point raised without a note."""
    checklist: dict[str, dict[str, Any]] = {}
    errors: dict[str, list[str]] = {}
    for key in POINT_KEYS:
        verdict = str(data.get(f"point_{key}") or "")
        note = str(data.get(f"point_{key}_note") or "").strip()
        if verdict not in (PASSED, RAISED):
            errors[f"point_{key}"] = [_("Mark this point passed or raised.")]
            continue
        if verdict == RAISED and not note:
            errors[f"point_{key}_note"] = [_("Say what is wrong: a raised point needs a note.")]
            continue
        checklist[key] = {"ok": verdict == PASSED, "note": note}
    if errors:
        raise ValidationError(errors)
    return checklist


def all_passed(note: str = "") -> dict[str, str]:
    """Form data marking every point passed (the API's and the demo's shorthand for a clean review)."""
    return {f"point_{key}": PASSED for key in POINT_KEYS} | ({"note": note} if note else {})


def raised_points(checklist: Mapping[str, Any]) -> list[str]:
    return [key for key in POINT_KEYS if key in checklist and not checklist[key].get("ok")]


def review_rows(case: Case) -> list[dict[str, Any]]:
    """The checklist as rows (Chinese question, passed or not, note) for the page and the review form."""
    rows = []
    for key, label, short, question in POINTS:
        point = (case.review_checklist or {}).get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "short": short,
                "question": question,
                "answered": point is not None,
                "ok": bool(point and point.get("ok")),
                "note": (point or {}).get("note", ""),
            }
        )
    return rows


def evidence_missing(case: Case) -> bool:
    """A case at legal review with no evidence on file is flagged to the reviewer."""
    return not case.evidence.exists()
