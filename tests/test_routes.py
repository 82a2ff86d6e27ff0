"""Every route of the site against one table (tests/route_table.py): what each member of the cast gets for a
GET, and the most queries it may cost.

- `test_every_route_is_in_the_table` walks the URL resolver (pages, API, admin) and fails on a route the table
  lacks, with a line to paste, so a new route cannot arrive without saying who may open it.
- `test_route` requests each entry as each member of the cast, with real objects for the URL's arguments (the
  world below: a town-A case with evidence and a document, a complaint, a whistle to the market department
  with a photo, a joint inspection on site (its notice, a point's photo), a published benchmark and a draft,
  a draft adjustment, a matching rule and a lexicon entry), and checks the status, that the queries stay
  within the budget and that a GET writes no audit row.

Fail-closed routing is what makes the anonymous column true: every page needs a login
(enforcement.middleware.LoginRequiredMiddleware) unless its view is marked `login_not_required`, and API views
refuse the anonymous public unless they say `AllowAny`.

The world is written once per module inside a transaction that is rolled back at the end; each test runs in a
savepoint of its own, so nothing a request writes outlives it."""

from __future__ import annotations

import datetime as dt
import fnmatch
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from guardian.shortcuts import _get_ct_cached
from PIL import Image

from enforcement.access import scope_for
from enforcement.models import AuditEvent, User
from tests.conftest import build_cast
from tests.route_table import COLUMNS, ROUTES, Expect

# --- the routes the resolver knows --------------------------------------------------------------------------


def resolver_routes() -> dict[str, tuple[str, list[str]]]:
    """{route key: (pattern, parameter names)} for every URL pattern, included ones too. The key is the
    route's name with its namespace ("cases:case"), or its full pattern when it has no name ("favicon.ico",
    "^api/")."""
    found: dict[str, tuple[str, list[str]]] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner or namespace)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                key = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or pattern
                params = list(getattr(entry.pattern, "converters", {})) or list(
                    entry.pattern.regex.groupindex
                )
                found.setdefault(key, (pattern, params))

    walk(get_resolver().url_patterns, "", "")
    return found


def entry_for(key: str) -> str | None:
    """The table's entry for a route: its own key, else the first glob ("admin:*") that matches it."""
    if key in ROUTES:
        return key
    return next((k for k in ROUTES if "*" in k and fnmatch.fnmatchcase(key, k)), None)


# --- the world the URLs point into --------------------------------------------------------------------------


def _png(name: str = "scene.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def build_world() -> tuple[Any, dict[str, Any]]:
    """The cast and one object of each kind a URL can name, made as their owners make them (services)."""
    from authority.matching.services import lexicon_entry_create, match_rule_create
    from authority.models import AdjustmentLine, GrantKind
    from authority.services import adjustment_create, adjustment_line_add
    from cases.complaints import complaint_create
    from cases.documents import document_generate
    from cases.documents import document_request as document_request_make
    from cases.evidence import evidence_add
    from cases.models import Case, CaseDocument, CaseOfficer
    from discretion.services import benchmark_draft_create, benchmark_publish
    from enforcement import clock
    from enforcement.models import Subject
    from inspections.documents import inspection_document_generate
    from inspections.services import (
        invitation_accept,
        point_record,
        task_approve,
        task_create,
        task_enter,
        task_invite,
        task_officers_set,
        task_publish,
    )
    from inspections.workflow import PointResult, Scenario, TaskKind
    from tests.cases.conftest import make_held_item
    from tests.inspections.conftest import build_setup, moment, visit_day
    from whistles.services import assignment_acknowledge, whistle_photo_add, whistle_raise

    cast = build_cast()
    today = timezone.localdate()
    item = make_held_item(cast, code="T-ROUTE-001")
    other_item = make_held_item(cast, code="T-ROUTE-002", name_zh="对乱倒垃圾的行政处罚")

    subject = Subject.objects.create(
        district=cast.district, kind="person", name="张三", identifier="500103198001010011"
    )
    case = Case.objects.create(
        district=cast.district,
        town=cast.town_a,
        title="占道经营",
        source="patrol",
        party_kind="person",
        party_name=subject.name,
        party_identifier=subject.identifier,
        subject=subject,
        party_address="测试路1号",
        place="测试路1号门前",
        act_on=today - dt.timedelta(days=10),
        discovered_on=today - dt.timedelta(days=10),
        description="在店外占道摆放货架经营，面积约3平方米。",
        item=item,
        acting_name=cast.town_a.name_zh,
        grant_kind=GrantKind.EMPOWERED,
        stage="investigating",
        created_by=cast.officer_a,
        number=f"甲执〔{today.year}〕1号",
        year=today.year,
        sequence=1,
        filed_on=today - dt.timedelta(days=5),
        decision_due=today + dt.timedelta(days=85),
    )
    for index, officer in enumerate((cast.officer_a, cast.officer_a2)):
        CaseOfficer.objects.create(case=case, officer=officer, lead=index == 0, declared_at=timezone.now())
    evidence = evidence_add(actor=cast.officer_a, case=case, upload=_png(), caption="现场")
    document = document_generate(actor=cast.officer_a, case=case, kind=CaseDocument.Kind.FILING_APPROVAL)
    document_request = document_request_make(
        actor=cast.officer_a, case=case, kind=CaseDocument.Kind.FILING_APPROVAL
    )
    complaint = complaint_create(actor=cast.officer_a, town=cast.town_a, text="解放路有人占道摆摊卖水果")

    whistle = whistle_raise(
        actor=cast.officer_a,
        town=cast.town_a,
        title="餐馆油烟扰民",
        description="解放路12号餐馆油烟直排，居民多次投诉。",
        reason="no_power",
        urgency="normal",
        address="解放路12号",
        departments=[cast.department],
    )
    assignment = whistle.assignments.get()
    assignment_acknowledge(actor=cast.responder, assignment=assignment, note="马上到")
    (photo,) = whistle_photo_add(actor=cast.officer_a, whistle=whistle, photos=[_png()])
    notification = cast.responder.whistle_notifications.order_by("pk").first()

    published = benchmark_draft_create(actor=cast.admin, item=item)
    benchmark_publish(
        actor=cast.admin,
        benchmark=published,
        document_number="测府发〔2026〕1号",
        document_title="测试区行政处罚裁量基准",
        valid_from=dt.date(2020, 1, 1),
    )
    draft = benchmark_draft_create(actor=cast.admin, item=other_item)

    adjustment = adjustment_create(
        actor=cast.admin,
        district=cast.district,
        title="草案",
        document_number="测府发（拟）",
        document_date=dt.date(2026, 1, 1),
        effective_from=dt.date(2027, 1, 1),
    )
    (line,) = adjustment_line_add(
        actor=cast.admin,
        adjustment=adjustment,
        action=AdjustmentLine.Action.RECOVER,
        item=other_item,
        towns=[cast.town_a],
    )
    rule = match_rule_create(actor=cast.admin, item=item, kind="keyword", pattern="占道", weight=Decimal("1"))
    entry = lexicon_entry_create(actor=cast.admin, district=cast.district, term="摆摊儿", canonical="摆摊")

    day = visit_day()
    with clock.at(moment(day)):
        setup = build_setup(cast, day)
        task = task_create(
            actor=cast.officer_a,
            lead_unit=cast.town_a,
            town=cast.town_a,
            subject=setup.subject,
            kind=TaskKind.ROUTINE,
            title="餐饮店综合查一次",
            planned_on=day,
            headcount=3,
            scenario=Scenario.RESTAURANT,
            templates=[setup.town_template],
        )
        invitation = task_invite(actor=cast.officer_a, task=task, department=cast.department)
        invitation_accept(actor=cast.responder, invitation=invitation, template=setup.dept_template)
        task_officers_set(actor=cast.officer_a, task=task, officers=[cast.officer_a, cast.responder])
        task_publish(actor=cast.officer_a, task=task)
        task = task_approve(actor=cast.supervisor_a, task=task)
        notice = inspection_document_generate(
            actor=cast.officer_a, task=task, kind="notice", code_url=f"http://testserver/c/{task.code}/"
        )
        task_enter(actor=cast.officer_a, task=task)
        point = task.points.order_by("pk").first()
        point_record(
            actor=cast.officer_a, task_point=point, result=PointResult.PASS, photos=[_png("point.png")]
        )
        point_photo = point.photos.get()
        from inspections.services.plans import annual_plan_create, annual_plan_entry_add

        plan = annual_plan_create(actor=cast.officer_a, unit=cast.town_a, year=day.year)
        annual_plan_entry_add(
            actor=cast.officer_a,
            plan=plan,
            items=[setup.p_stall.item],
            visits_per_year=1,
            months=[day.month],
            subject=setup.subject,
        )

    from enforcement.services import fence_warning_raise

    fence_warning, _raised = fence_warning_raise(
        rule="world.rule",
        key="world",
        town=cast.town_a,
        message="超出裁量阶次",
        obj=case,
        officer=cast.officer_a,
    )

    world: dict[str, Any] = {
        "fence_warning": fence_warning.pk,
        "case": case.pk,
        "evidence": evidence.pk,
        "document": document.pk,
        "document_request": document_request.pk,
        "complaint": complaint.pk,
        "whistle": whistle.pk,
        "assignment": assignment.pk,
        "photo": photo.pk,
        "notification": notification.pk,
        "item": item.pk,
        "item_code": item.code,
        "draft_item": other_item.pk,
        "benchmark": published.pk,
        "draft": draft.pk,
        "adjustment": adjustment.pk,
        "line": line.pk,
        "rule": rule.pk,
        "entry": entry.pk,
        "task": task.pk,
        "task_code": task.code,
        "point": point.pk,
        "point_photo": point_photo.pk,
        "notice": notice.pk,
        "invitation": invitation.pk,
        "business": setup.subject.pk,
        "plan": plan.pk,
        "town_a": cast.town_a.code,
        "district": cast.district.code,
        "district_pk": cast.district.pk,
        "town_a_pk": cast.town_a.pk,
        "certificate_token": cast.officer_a.certificates.get().verification_token,
        "certificate_number": cast.officer_a.certificates.get().number,
    }
    return cast, world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[tuple[Any, dict[str, Any]]]:
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # A cache of this process's own: another process's test (a calendar import, a catalog change) must not
        # empty it between a request and the next, or the query counts would depend on what runs beside.
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "routes"}
        },
    )
    media.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            made = build_world()
            # The process-wide caches filled, so that no request pays for a lookup an earlier one made:
            # content types, and django-guardian's content type per permission.
            ContentType.objects.get_for_models(*apps.get_models())
            for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename"):
                _get_ct_cached(app_label, codename)
            yield made
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            media.disable()


@pytest.fixture(scope="module")
def clients(world, django_db_blocker) -> dict[str, Client]:
    """One logged-in client per column of the table (the sessions live in the module's transaction), each
    member's scope already in the cache: the budgets are what a route costs once the member's scope is known,
    whichever route a test worker happens to request first (a department's scope costs two queries more to
    work out than a town officer's)."""
    cast, _ = world
    made: dict[str, Client] = {}
    with django_db_blocker.unblock():
        for column in COLUMNS:
            client = Client()
            if column != "anonymous":
                member = getattr(cast, column)
                client.force_login(member)
                scope_for(User.objects.get(pk=member.pk))
            made[column] = client
    return made


def url_of(key: str, expect: Expect, world: dict[str, Any]) -> str:
    """The URL to GET for an entry: its `path` (unnamed routes), else the route reversed by name with the
    world's objects as arguments; plus its query string."""
    if expect.path:
        path = expect.path.format(**world)
    else:
        path = reverse(
            key, args=[word[1:] if word.startswith("=") else world[word] for word in expect.args.split()]
        )
    return path + ("?" + expect.get.format(**world) if expect.get else "")


def observe(client: Client, url: str) -> tuple[int, int]:
    """(status, queries) of one GET."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries.captured_queries)


def urls_of(key: str, world: dict[str, Any]) -> list[str]:
    """The URLs an entry stands for: its own, or for a "*" entry each route it matches, with "1" for every
    argument (the admin checks who asks before it looks for the object)."""
    expect = ROUTES[key]
    if "*" not in key:
        return [url_of(key, expect, world)]
    urls = []
    for route, (pattern, params) in resolver_routes().items():
        if entry_for(route) != key:
            continue
        if route != pattern:
            try:
                urls.append(reverse(route, kwargs=dict.fromkeys(params, "1")))
            except NoReverseMatch:  # an argument that must be one of a few words (the admin's app labels)
                continue
        elif "(?P" not in pattern:
            urls.append("/" + re.sub(r"<[^>]+>", "1", pattern))
    return urls


def line_for(key: str, statuses: list[int], queries: int, expect: Expect | None = None) -> str:
    """The table's line for a route, as it would be pasted (aligned like the table, wrapped past 110)."""
    head = f"    {chr(34) + key + chr(34) + ':':<38}E({', '.join(f'{s:3d}' for s in statuses)}, q={queries}"
    fields = (("args", expect.args), ("get", expect.get), ("path", expect.path)) if expect else ()
    extra = ", ".join(f'{name}="{value}"' for name, value in fields if value)
    if not extra:
        return head + "),"
    if len(head) + len(extra) + 4 <= 110:
        return f"{head}, {extra}),"
    return f"{head},\n{' ' * 44}{extra}),"


# --- the tests ----------------------------------------------------------------------------------------------


def test_every_route_is_in_the_table():
    routes = resolver_routes()
    missing = [key for key in routes if entry_for(key) is None]
    globs = [key for key in ROUTES if "*" in key]
    stale = [key for key in ROUTES if key not in routes and key not in globs]
    stale += [key for key in globs if not any(entry_for(route) == key for route in routes)]
    lines = []
    for key in missing:
        pattern, params = routes[key]
        guess = [401 if pattern.startswith("api/") else 302] + [200] * (len(COLUMNS) - 1)
        extra = f', args="{" ".join(params)}"' if params else ""
        extra += "" if key != pattern else f', path="/{pattern}"'
        lines.append(line_for(key, guess, 0)[:-2] + extra + "),  # /" + pattern)
    advice = (
        f"{len(missing)} route(s) missing from tests/route_table.py. Paste these lines there and name the "
        f"world's objects in args= (one of: {', '.join(sorted(WORLD_KEYS))}; add one to build_world if none "
        "fits). Then run `pytest tests/test_routes.py -k ROUTE`: it prints what each member of the cast got, "
        "to check and paste over the guess.\n"
    )
    assert not missing and not stale, (advice + "\n".join(lines) if missing else "") + (
        f"\nEntries for no route (remove them): {stale}" if stale else ""
    )


WORLD_KEYS = (
    "case evidence document document_request complaint whistle assignment photo notification item item_code "
    "draft_item "
    "benchmark draft adjustment line rule entry task task_code point point_photo notice invitation business "
    "plan town_a district fence_warning district_pk town_a_pk certificate_token certificate_number"
).split()


@pytest.mark.parametrize("key", list(ROUTES))
def test_route(world, clients, db, key):
    cast, objects = world
    assert set(objects) == set(WORLD_KEYS), "keep WORLD_KEYS in step with build_world"
    expect = ROUTES[key]
    unknown = [w for w in expect.args.split() if not w.startswith("=") and w not in objects]
    assert not unknown, f"{key}: args {unknown} are not in the world; one of {sorted(objects)}"
    audit = AuditEvent.objects.count()
    problems = []
    for url in urls_of(key, objects):
        clients["admin"].get(url)  # the first request of a route fills the caches it reads (not measured)
        seen = [observe(clients[column], url) for column in COLUMNS]
        statuses = [status for status, _ in seen]
        counts = [count for _, count in seen]
        wrong = [
            f"{column} got {got}, not {want}"
            for column, got, want in zip(COLUMNS, statuses, expect.statuses, strict=True)
            if got != want
        ]
        if max(counts) > expect.queries:
            wrong.append(f"{max(counts)} queries, over the budget of {expect.queries} (per member: {counts})")
        if wrong:
            problems.append(
                f"GET {url}: "
                + "; ".join(wrong)
                + "\n  as seen (check before pasting):\n"
                + line_for(key, statuses, max(counts), expect)
            )
    assert AuditEvent.objects.count() == audit, f"a GET of {key} wrote to the audit trail"
    assert not problems, "\n".join(problems)


# Where the anonymous public is sent, when not only to the login page: the admin's index and its own views
# send to the admin's login page (Django's admin checks who is staff itself), its model pages to ours; the
# public redirects go where they point (None).
ADMIN_LOGINS = ("/admin/login/?next=/admin/", "/accounts/login/?next=/admin/")
OTHER_REDIRECTS: dict[str, tuple[str, ...] | None] = {
    "set_language": None,
    "language-switch": None,
    "favicon.ico": None,
    "discretion-home": None,
    "inspection-code-lookup": ("/",),  # no code typed: back to the portal
    "admin:*": ADMIN_LOGINS,
    "admin/*": ADMIN_LOGINS,
}


def test_the_anonymous_public_is_sent_to_the_login_page(world, clients, db):
    """Fail-closed: every page the table says redirects the anonymous public goes to the login page, and back
    to the page after it."""
    _, objects = world
    for key, expect in ROUTES.items():
        target = OTHER_REDIRECTS.get(key, (f"{reverse('login')}?next=/",))
        if expect.statuses[0] != 302 or target is None:
            continue
        for url in urls_of(key, objects):
            response = clients["anonymous"].get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(target), (url, response["Location"])


def test_a_script_with_a_token_is_not_sent_to_the_login_page(world, db):
    """The API authenticates on its own (the token is not a session): the login check leaves it to the API."""
    from rest_framework.authtoken.models import Token

    cast, _ = world
    key = Token.objects.create(user=cast.officer_a).key
    script = Client(headers={"Authorization": f"Token {key}"})
    assert script.get(reverse("api-me")).json()["username"] == "officer_a"
    refused = Client(headers={"Authorization": "Token not-a-token"}).get(reverse("api-me"))
    assert refused.status_code == 401 and refused["Content-Type"] == "application/json"
    # A page wants a session: the token does not log anyone in there.
    assert script.get(reverse("cases:case-list")).status_code == 302
