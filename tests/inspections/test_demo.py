"""The demo joint inspections: months of visits through the real services, every state of a task for the pages
to show, a merge to propose, idempotent, nothing in the future, the audit chain whole."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from demo import authority as authority_demo
from demo import inspections as demo
from demo.core import seed_core
from enforcement.audit import audit_verify
from enforcement.models import AuditEvent, District
from inspections.models import InspectionDocument, InspectionTask, PointPhoto, TaskInvitation, Visit
from inspections.selectors import inspection_figures, merge_proposals
from inspections.workflow import TaskStatus
from tests.conftest import FROZEN_DAYS

pytestmark = pytest.mark.django_db


def _seed() -> str:
    seed_core()
    authority_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    return out.getvalue()


def _check_the_story() -> None:
    district = District.objects.get(code=demo.DISTRICT_CODE)
    statuses = set(InspectionTask.objects.values_list("status", flat=True))
    assert set(TaskStatus.values) - {TaskStatus.MERGED} <= statuses  # every state a page can show
    figures = inspection_figures(district=district)
    assert figures.inspections >= 20 and figures.joint >= 3 and figures.visits_saved >= figures.joint
    assert figures.failures and figures.cases and figures.whistles and figures.rechecked
    assert figures.with_code == figures.visits - 1  # the on-the-spot visit, filed without a code
    assert Visit.objects.exclude(purpose="inspection").count() == 12
    assert TaskInvitation.objects.filter(status=TaskInvitation.Status.INVITED).exists()  # an open invitation
    assert InspectionTask.objects.filter(kind="immediate", approved_afterwards=True).exists()
    assert InspectionDocument.objects.exists() and PointPhoto.objects.exists()
    today = timezone.localdate()
    proposals = merge_proposals(district=district, start=today, end=today.replace(year=today.year + 1))
    assert len(proposals) == 1 and proposals[0].keep.lead_unit.code == "500103-001"
    assert not InspectionTask.objects.filter(entered_at__gt=timezone.now()).exists()
    assert not AuditEvent.objects.filter(at__gt=timezone.now()).exists()  # nothing happens in the future
    assert audit_verify().ok


def test_the_demo_tells_the_story_and_runs_once():
    out = _seed()
    assert "inspections:" in out and "visits saved" in out
    _check_the_story()
    counts = (InspectionTask.objects.count(), AuditEvent.objects.count())
    again = io.StringIO()
    demo.seed(again)
    assert "nothing done" in again.getvalue()
    assert (InspectionTask.objects.count(), AuditEvent.objects.count()) == counts


def test_the_demo_on_new_year_s_eve():
    """Its months of history cross into the last year, its plans into the next."""
    moment = FROZEN_DAYS["new-years-eve"].replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=True):
        _seed()
        _check_the_story()


def test_without_the_authority_catalog_the_demo_is_skipped():
    seed_core()
    out = io.StringIO()
    demo.seed(out)
    assert "skipped" in out.getvalue() and not InspectionTask.objects.exists()
