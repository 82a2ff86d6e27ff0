"""N+1 guard on every list: each API list and each main list page costs an exact number of queries, the same
with one row as with ten. The rows carry what a list shows of their relations (people, units, items,
departments), so a serializer or template that reads a relation per row adds a query per row and fails here.

The counts are taken after one warm-up request (the session and the per-process caches), as the number of the
second. A list whose count changes on purpose gets its new figure in GUARDS; a count that grows with the rows
is an N+1 to fix with select_related/prefetch_related in the list's selector."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from tests.factories import make_certificate, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A cache of this process's own: another process's test (a calendar import, a catalog change) must not
    empty it between the warm-up and the count."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "n1"}
    }


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("scene.png", buffer.getvalue(), content_type="image/png")


class Rows:
    """Adds n rows to one list, as the people who make them would; returns a text each row shows."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        self.cast = request.getfixturevalue("cast")
        self.serial = 0

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    def tag(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial:03d}"

    @cached_property
    def case(self) -> Any:
        return self.fixture("make_case")("investigating")

    @cached_property
    def dept_whistle(self) -> Any:
        return self.fixture("raise_whistle")()

    # --- the core

    def units(self, n: int) -> list[str]:
        return [make_unit(self.cast.district, code=self.tag("UNIT-")).code for _ in range(n)]

    def audit_rows(self, n: int) -> list[str]:
        from cases.complaints import complaint_create

        return [
            str(complaint_create(actor=self.cast.officer_a, town=self.cast.town_a, text=self.tag("投诉")).pk)
            for _ in range(n)
        ]

    def officers(self, n: int) -> list[str]:
        made = []
        for _ in range(n):
            name = self.tag("执法员")
            officer = make_user(self.cast.town_a, ["officer"], username=self.tag("officer-"), full_name=name)
            make_certificate(officer)
            made.append(name)
        return made

    # --- authority

    def held_items(self, n: int) -> list[str]:
        from tests.cases.conftest import make_held_item

        return [make_held_item(self.cast, code=self.tag("T-N1-")).code for _ in range(n)]

    def adjustments(self, n: int) -> list[str]:
        from authority.models import AdjustmentLine
        from authority.services import adjustment_create, adjustment_line_add
        from tests.cases.conftest import make_held_item

        made = []
        for _ in range(n):
            adjustment = adjustment_create(
                actor=self.cast.admin,
                district=self.cast.district,
                title=self.tag("草案"),
                document_number="测府发（拟）",
                document_date=dt.date(2026, 1, 1),
                effective_from=dt.date(2027, 1, 1),
            )
            adjustment_line_add(
                actor=self.cast.admin,
                adjustment=adjustment,
                action=AdjustmentLine.Action.RECOVER,
                item=make_held_item(self.cast, code=self.tag("T-ADJ-")),
                towns=[self.cast.town_a],
            )
            made.append(adjustment.title)
        return made

    def benchmarks(self, n: int) -> list[str]:
        from discretion.services import benchmark_generate
        from tests.cases.conftest import make_held_item

        made = []
        for _ in range(n):
            item = make_held_item(self.cast, code=self.tag("T-BM-"))
            benchmark_generate(actor=None, item=item)
            made.append(item.code)
        return made

    def published_benchmarks(self, n: int) -> list[str]:
        from discretion.services import benchmark_draft_create, benchmark_publish
        from tests.cases.conftest import make_held_item

        made = []
        for _ in range(n):
            item = make_held_item(self.cast, code=self.tag("T-PB-"))
            benchmark_publish(
                actor=self.cast.admin,
                benchmark=benchmark_draft_create(actor=self.cast.admin, item=item),
                document_number=self.tag("测府发〔2026〕"),
                document_title="测试区行政处罚裁量基准",
                valid_from=dt.date(2020, 1, 1),
            )
            made.append(item.code)
        return made

    def match_rules(self, n: int) -> list[str]:
        from authority.matching.services import match_rule_create
        from tests.cases.conftest import make_held_item

        made = []
        for _ in range(n):
            item = make_held_item(self.cast, code=self.tag("T-MR-"))
            match_rule_create(actor=self.cast.admin, item=item, kind="keyword", pattern=self.tag("关键词"))
            made.append(item.code)
        return made

    def lexicon(self, n: int) -> list[str]:
        from authority.matching.services import lexicon_entry_create

        return [
            lexicon_entry_create(
                actor=self.cast.admin,
                district=self.cast.district,
                term=self.tag("俗语"),
                canonical="占道经营",
            ).term
            for _ in range(n)
        ]

    # --- complaints and cases

    def complaints(self, n: int) -> list[str]:
        from cases.complaints import complaint_create

        return [
            complaint_create(
                actor=self.cast.officer_a, town=self.cast.town_a, text=self.tag("占道摆摊投诉")
            ).text
            for _ in range(n)
        ]

    def cases(self, n: int, stage: str = "investigating", **fields: Any) -> list[str]:
        from tests.cases.conftest import make_held_item

        make_case = self.fixture("make_case")
        return [
            make_case(stage, item=make_held_item(self.cast, code=self.tag("T-CS-")), **fields).title
            for _ in range(n)
        ]

    def filing_reviews(self, n: int) -> list[str]:
        return self.cases(n, "filing_review")

    def legal_reviews(self, n: int) -> list[str]:
        return self.cases(n, "legal_review")

    def case_events(self, n: int) -> list[str]:
        from cases.models import CaseEvent

        people = [self.cast.officer_a, self.cast.supervisor_a, self.cast.officer_a2]
        return [
            CaseEvent.objects.create(
                case=self.case, action="note", actor=people[i % 3], note=self.tag("记录")
            ).note
            for i in range(n)
        ]

    def evidence(self, n: int) -> list[str]:
        from cases.evidence import evidence_add

        return [
            evidence_add(
                actor=self.cast.officer_a, case=self.case, upload=_png(), caption=self.tag("现场")
            ).caption
            for _ in range(n)
        ]

    def documents(self, n: int) -> list[str]:
        """The first document is generated (WeasyPrint); the others are further versions of it, copied row by
        row (rendering ten PDFs would test WeasyPrint, not the list)."""
        from cases.documents import document_generate
        from cases.models import CaseDocument

        existing = CaseDocument.objects.filter(case=self.case).order_by("pk").last()
        made = []
        for _ in range(n):
            if existing is None:
                existing = document_generate(
                    actor=self.cast.officer_a, case=self.case, kind=CaseDocument.Kind.FILING_APPROVAL
                )
            else:
                existing.pk = None
                existing.version += 1
                existing.save()
            made.append(existing.sha256)
        return made

    # --- whistles

    def whistles(self, n: int) -> list[str]:
        from whistles.services import assignment_acknowledge

        raise_whistle = self.fixture("raise_whistle")
        departments = [self.cast.department, self.fixture("env_department")]
        made = []
        for _ in range(n):
            whistle = raise_whistle(title=self.tag("油烟扰民"), departments=departments)
            for assignment in whistle.assignments.filter(department=self.cast.department):
                assignment_acknowledge(actor=self.cast.responder, assignment=assignment)
            made.append(whistle.title)
        return made

    def returns(self, n: int) -> list[str]:
        from whistles.services import assignment_return

        raise_whistle = self.fixture("raise_whistle")
        made = []
        for _ in range(n):
            note = self.tag("不属于本部门职责范围")
            whistle = raise_whistle(title=self.tag("退回的哨"))
            assignment_return(
                actor=self.cast.responder, assignment=whistle.assignments.get(), reason="other", note=note
            )
            made.append(note)
        return made

    # --- inspections

    def inspections(self, n: int) -> list[str]:
        make_task = self.fixture("make_task")
        made = []
        for _ in range(n):
            title = self.tag("线索核查")  # clues: not held to the yearly cap of routine visits
            made.append(make_task(title=title, kind="clue", exemption_ref=title).title)
        return made

    def businesses(self, n: int) -> list[str]:
        from enforcement.models import Subject

        made = []
        for _ in range(n):
            name = self.tag("餐馆")
            Subject.objects.create(
                district=self.cast.district,
                kind="organisation",
                name=name,
                identifier=f"91500000MA5U{self.serial:05d}X",
                address="甲街道解放路1号",
            )
            made.append(name)
        return made

    def invitations(self, n: int) -> list[str]:
        from inspections.services import task_invite, task_officers_set, task_publish

        make_task = self.fixture("make_task")
        made = []
        for _ in range(n):
            title = self.tag("邀请部门")
            task = make_task(title=title, kind="clue", exemption_ref=title)
            task_invite(actor=self.cast.officer_a, task=task, department=self.cast.department)
            task_officers_set(
                actor=self.cast.officer_a, task=task, officers=[self.cast.officer_a, self.cast.officer_a2]
            )
            task_publish(actor=self.cast.officer_a, task=task)  # the inbox holds the invitations to answer
            made.append(task.title)
        return made

    def annual_plans(self, n: int) -> list[str]:
        from inspections.services.plans import annual_plan_create, annual_plan_entry_add

        setup = self.fixture("setup")
        year = self.fixture("day").year
        made = []
        for _ in range(n):
            title = self.tag("年度检查计划")
            unit = make_unit(self.cast.district, "department", code=f"T500-P{self.serial:03d}", name_zh=title)
            person = make_user(unit, ["officer"], username=f"planner{self.serial}")
            plan = annual_plan_create(actor=person, unit=unit, year=year, title=title)
            annual_plan_entry_add(
                actor=person,
                plan=plan,
                items=[setup.p_stall.item],
                visits_per_year=1,
                months=[5],
                subject=setup.subject,
            )
            made.append(title)
        return made

    def calendar_visits(self, n: int) -> list[str]:
        return self.inspections(n)  # complaint checks of town A: on its officers' calendar, with their titles


def _plan_year(rows: Rows) -> dict[str, str]:
    return {"year": str(rows.fixture("day").year)}


def _visit_month(rows: Rows) -> dict[str, str]:
    return {"month": f"{rows.fixture('day'):%Y-%m}"}


@dataclass(frozen=True)
class Guard:
    who: str | None  # the cast member who reads the list
    queries: int  # exact, with 1 row and with 10
    add: Callable[[Rows, int], list[str]]
    args: Callable[[Rows], list[Any]] = lambda rows: []
    params: dict[str, str] = field(default_factory=dict)
    params_of: Callable[[Rows], dict[str, str]] = lambda rows: {}


TOWN_A = {"town": "T500-A"}

# The signed-in pages read the user's unit from the process (enforcement.units) and the case list its items
# and towns too (issue 18, round 8): one to three queries fewer than before.
GUARDS: dict[str, Guard] = {
    # API lists
    "api-units": Guard("officer_a", 3, Rows.units),
    "api-audit": Guard("admin", 3, Rows.audit_rows),
    "api-officers": Guard("officer_a", 7, Rows.officers, params=TOWN_A),
    "api-authority-items": Guard(None, 2, Rows.held_items, params={"district": "T500"}),
    "api-authority-grants": Guard(None, 1, Rows.held_items, params=TOWN_A),
    "api-authority-town-items": Guard(None, 2, Rows.held_items, args=lambda rows: ["T500-A"]),
    "api-authority-town-history": Guard(None, 2, Rows.held_items, args=lambda rows: ["T500-A"]),
    "api-authority-adjustments": Guard("admin", 9, Rows.adjustments),
    "api-discretion-benchmarks": Guard("officer_a", 5, Rows.benchmarks),
    "api-complaints": Guard("officer_a", 3, Rows.complaints),
    "api-cases": Guard("officer_a", 3, Rows.cases),
    "api-case-events": Guard("officer_a", 5, Rows.case_events, args=lambda rows: [rows.case.pk]),
    "api-case-evidence": Guard("officer_a", 5, Rows.evidence, args=lambda rows: [rows.case.pk]),
    "api-case-documents": Guard("officer_a", 5, Rows.documents, args=lambda rows: [rows.case.pk]),
    "api-whistle-list": Guard("admin", 4, Rows.whistles),
    "api-whistle-inbox": Guard("responder", 3, Rows.whistles),
    "api-whistle-returns": Guard("admin", 4, Rows.returns),
    "api-whistle-notifications": Guard("responder", 3, Rows.whistles),
    "api-inspection-list": Guard("officer_a", 3, Rows.inspections),
    "api-inspection-invitations": Guard("responder", 3, Rows.invitations),
    "api-inspection-plans": Guard("responder", 4, Rows.annual_plans),
    "api-inspection-calendar": Guard("officer_a", 8, Rows.calendar_visits, params_of=_visit_month),
    # pages
    "team": Guard("supervisor_a", 7, Rows.officers),
    "officers": Guard("admin", 11, Rows.officers),
    "audit-list": Guard("admin", 7, Rows.audit_rows),
    "authority-items": Guard(None, 7, Rows.held_items),
    "authority-town": Guard(None, 2, Rows.held_items, args=lambda rows: ["T500-A"]),
    "authority-adjustments": Guard("admin", 6, Rows.adjustments),
    "matching:rules": Guard("supervisor_a", 7, Rows.match_rules),
    "matching:lexicon": Guard("supervisor_a", 6, Rows.lexicon),
    "discretion-home": Guard("officer_a", 5, Rows.benchmarks),
    "discretion-public-list": Guard(None, 3, Rows.published_benchmarks),
    "cases:complaints": Guard("officer_a", 4, Rows.complaints),
    "cases:case-list": Guard("officer_a", 3, Rows.cases),
    "cases:approvals": Guard("supervisor_a", 7, Rows.filing_reviews),  # one query per group
    "cases:reviews": Guard("reviewer_a", 4, Rows.legal_reviews),
    "whistle-list": Guard("officer_a", 4, Rows.whistles),
    "whistle-inbox": Guard("responder", 8, Rows.whistles),
    "whistle-returns": Guard("admin", 4, Rows.returns),
    "whistle-notifications": Guard("responder", 5, Rows.whistles),
    "inspection-board": Guard("officer_a", 8, Rows.inspections),
    "inspection-invitations": Guard("responder", 5, Rows.invitations),
    "inspection-subjects": Guard("officer_a", 5, Rows.businesses),
    "inspection-plans": Guard("officer_a", 8, Rows.annual_plans, params_of=_plan_year),
    "inspection-calendar": Guard("officer_a", 9, Rows.calendar_visits, params_of=_visit_month),
}


def _count(client: Client, url: str, params: dict[str, str]) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return [_shape(q["sql"]) for q in queries.captured_queries], response.content.decode()


def _shape(sql: str) -> str:
    """The statement without its values, so that the same query for other rows reads the same."""
    sql = re.sub(r"_django_curs_\w+", "CURSOR", sql)
    sql = re.sub(r"\b\d+\b", "N", sql)
    return re.sub(r"IN \(N(, N)*\)", "IN (N...)", sql)


# Pages an anonymous visitor gets whole from the cache (enforcement.public_cache): the guards above measure
# the view behind it (the cache off); a page from the cache costs no query at all.
PUBLIC_PAGES = [r for r, guard in GUARDS.items() if guard.who is None and not r.startswith("api-")]


@pytest.mark.parametrize("route", list(GUARDS))
def test_a_list_costs_the_same_queries_for_one_row_or_ten(request, cast, client_for, settings, route):
    settings.PUBLIC_PAGE_CACHE = False
    guard = GUARDS[route]
    rows = Rows(request)
    client = client_for(getattr(cast, guard.who) if guard.who else None)
    params = {
        **guard.params,
        **guard.params_of(rows),
        **({"size": "100"} if route.startswith("api-") else {}),
    }
    shown = guard.add(rows, 1)
    url = reverse(route, args=guard.args(rows))
    # Each count is the second of two requests: the first fills the session, the user's groups and the caches
    # the new rows emptied (a changed catalog rebuilds the matcher once, say), which is not a cost per row.
    client.get(url, params)
    one, body = _count(client, url, params)
    assert all(text in body for text in shown), f"{route} does not show the rows it was given"
    shown += guard.add(rows, 9)
    client.get(url, params)
    ten, body = _count(client, url, params)
    missing = [text for text in shown if text not in body]
    assert not missing, f"{route} does not show {missing}"
    grew = Counter(ten) - Counter(one)
    assert (len(one), len(ten)) == (guard.queries, guard.queries), (
        f"{route}: {len(one)} queries with 1 row, {len(ten)} with 10; the guard says {guard.queries}."
        + "".join(f"\n  {n} more of: {sql[:300]}" for sql, n in grew.items())
    )


@pytest.mark.parametrize("route", PUBLIC_PAGES)
def test_a_public_page_from_the_cache_costs_no_query(request, cast, client_for, route):
    guard = GUARDS[route]
    rows = Rows(request)
    shown = guard.add(rows, 10)
    url = reverse(route, args=guard.args(rows))
    params = {**guard.params, **guard.params_of(rows)}
    client_for(None).get(url, params)
    queries, body = _count(client_for(None), url, params)
    assert queries == [] and all(text in body for text in shown), (route, queries[:3])
