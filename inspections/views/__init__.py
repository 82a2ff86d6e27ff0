"""Pages of the inspections app. Thin: reads through selectors (not visible = 404), writes through services
(not allowed = 403, refused by the law or the data = the form again with the reason, 400), and the templates
show the answers of rules.py. The public page of an inspection code needs no login.

By part: `board`, `planning`, `task_page`, `onsite`, `invitations`, `subjects`, `report`, `public`, and
`plans` (annual plans and the plan calendar, imported by the URLs themselves)."""

from __future__ import annotations

from .board import (
    board,
)
from .invitations import (
    invitation_answer,
    invitations,
)
from .onsite import (
    checklist,
    code_qr,
    document_download,
    photo_view,
    point_add,
    point_answer,
    task_finish,
)
from .planning import (
    task_create,
)
from .public import (
    code_lookup,
    code_public,
    code_record,
)
from .report import (
    REPORT_COLUMNS,
    report,
)
from .subjects import (
    subject_detail,
    subject_list,
)
from .task_page import (
    ACTIONS,
    Handler,
    task_action,
    task_detail,
)

__all__ = [
    "ACTIONS",
    "Handler",
    "REPORT_COLUMNS",
    "board",
    "checklist",
    "code_lookup",
    "code_public",
    "code_qr",
    "code_record",
    "document_download",
    "invitation_answer",
    "invitations",
    "photo_view",
    "point_add",
    "point_answer",
    "report",
    "subject_detail",
    "subject_list",
    "task_action",
    "task_create",
    "task_detail",
    "task_finish",
]
