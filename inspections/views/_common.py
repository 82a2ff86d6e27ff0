"""What the inspection pages share: the user's district, and the answer to a step out of turn or a stale
form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from enforcement.models import User
from enforcement.refusals import show_refusal
from enforcement.workflow import InvalidTransition, StaleObject


def _district_id(user: User) -> int:
    if user.unit is None:
        raise PermissionDenied
    return user.unit.district_id


def _conflict(request: HttpRequest, task_pk: int, exc: InvalidTransition | StaleObject) -> HttpResponse:
    """A step the task's state or a concurrent change refused: the warning, and the task as it is now."""
    return show_refusal(request, exc, back_to=reverse("inspection-detail", args=[task_pk]))
