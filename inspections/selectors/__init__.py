"""Reads for inspections, already scoped to the user, and the read-only rule checks the services enforce: the
published list on a date, the frequency caps, and the plan merge's proposals.

By part: `tasks`, `catalog`, `frequency`, `merge`, `subjects`, `code`, `board`, `figures`; and, imported by
themselves, `plans` (annual plans, the plan calendar) and `ledger` (visits per business, the business's own
record)."""

from __future__ import annotations

from .board import (
    BOARD_STATUSES,
    board_for,
    officer_candidates,
)
from .catalog import (
    active_templates,
    items_on_list,
    items_published,
    points_addable_on_site,
    points_off_list,
)
from .code import (
    CODE_VISIBLE,
    CodeItem,
    CodeOfficer,
    CodeView,
    code_view,
)
from .figures import (
    InspectionFigures,
    bodies_at_cap,
    inspection_figures,
    report_units,
)
from .frequency import (
    FrequencyVerdict,
    counted_tasks,
    frequency_check,
    frequency_policy_for,
    routine_counts,
)
from .merge import (
    MERGE_WINDOW_DAYS,
    MergeProposal,
    merge_keeps,
    merge_proposals,
    merge_proposals_for,
)
from .subjects import (
    ledger_for,
    subject_get_for,
    subject_tasks_for,
    subjects_for,
)
from .tasks import (
    PLANNED_STATUSES,
    invitation_inbox_for,
    participants,
    task_get_for,
    task_list_for,
    task_queryset_for,
)

__all__ = [
    "BOARD_STATUSES",
    "CODE_VISIBLE",
    "CodeItem",
    "CodeOfficer",
    "CodeView",
    "FrequencyVerdict",
    "InspectionFigures",
    "MERGE_WINDOW_DAYS",
    "MergeProposal",
    "PLANNED_STATUSES",
    "active_templates",
    "board_for",
    "bodies_at_cap",
    "code_view",
    "counted_tasks",
    "frequency_check",
    "frequency_policy_for",
    "inspection_figures",
    "invitation_inbox_for",
    "items_on_list",
    "items_published",
    "ledger_for",
    "merge_keeps",
    "merge_proposals",
    "merge_proposals_for",
    "officer_candidates",
    "participants",
    "points_addable_on_site",
    "points_off_list",
    "report_units",
    "routine_counts",
    "subject_get_for",
    "subject_tasks_for",
    "subjects_for",
    "task_get_for",
    "task_list_for",
    "task_queryset_for",
]
