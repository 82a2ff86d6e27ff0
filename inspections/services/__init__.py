"""Every write for inspections: `<noun>_<verb>(*, actor, ...)`, atomic, audited, state changes under a row
lock.

Raises PermissionDenied (the actor may not), ValidationError (the law or the data refuses, with the reason),
InvalidTransition (not from this status) or StaleObject (someone else changed the task first).

By part: `catalog` (the published list, checklists, caps, white list), `tasks` (planning, invitations,
approval, merge), `onsite` (entry, ledger, answers, sign-off), `results` (findings, follow-up, close), `plans`
(annual plans, the registry's profiles, codes opened); `_common` holds what they share."""

from __future__ import annotations

from ._common import (
    MAX_PHOTOS_PER_ANSWER,
    MIN_OFFICERS,
)
from .catalog import (
    POLICY_FIELDS,
    check_point_add,
    frequency_policy_set,
    inspection_item_add,
    inspection_list_create,
    inspection_list_publish,
    template_activate,
    template_create,
    whitelist_add,
)
from .onsite import (
    FREQUENT_IMMEDIATE,
    point_record,
    task_enter,
    task_finish,
    task_point_add_on_site,
    visit_record,
)
from .results import (
    task_close,
    task_findings_handle,
    task_follow_up_create,
)
from .tasks import (
    invitation_accept,
    invitation_decline,
    task_approve,
    task_cancel,
    task_create,
    task_invite,
    task_items_add,
    task_merge,
    task_officers_set,
    task_publish,
    task_template_add,
)

__all__ = [
    "FREQUENT_IMMEDIATE",
    "MAX_PHOTOS_PER_ANSWER",
    "MIN_OFFICERS",
    "POLICY_FIELDS",
    "check_point_add",
    "frequency_policy_set",
    "inspection_item_add",
    "inspection_list_create",
    "inspection_list_publish",
    "invitation_accept",
    "invitation_decline",
    "point_record",
    "task_approve",
    "task_cancel",
    "task_close",
    "task_create",
    "task_enter",
    "task_findings_handle",
    "task_finish",
    "task_follow_up_create",
    "task_invite",
    "task_items_add",
    "task_merge",
    "task_officers_set",
    "task_point_add_on_site",
    "task_publish",
    "task_template_add",
    "template_activate",
    "template_create",
    "visit_record",
    "whitelist_add",
]
