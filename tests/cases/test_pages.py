"""The penalty-case pages: scoping (404 across towns), keyset pages, filters, the lead form, the case page's
actions and its refusals, the queues."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseOfficer
from cases.rules import available_actions
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db

CARD = re.compile(r'data-testid="case-card" data-case="(\d+)"')
ROW = re.compile(r'data-testid="case-row" data-case="(\d+)"')
ACTION = re.compile(r'data-testid="action-([a-z_]+)"')
NEXT = re.compile(r'href="([^"]*)" data-testid="next-page"')


def _shown(response) -> list[int]:
    html = response.content.decode()
    rows = [int(pk) for pk in ROW.findall(html)]
    assert rows == [int(pk) for pk in CARD.findall(html)], "phone cards and desktop rows show the same cases"
    return rows


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    return case.stage, case.version, case.title, case.events.count(), case.officers.count()


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_shows_only_the_towns_own_cases(cast, make_case, client_for):
    mine = [make_case("investigating"), make_case("lead")]
    other = make_case("investigating", town=cast.town_b, officers=[cast.officer_b])

    response = client_for(cast.officer_a).get(reverse("cases:case-list"))
    assert response.status_code == 200
    assert sorted(_shown(response)) == sorted(c.pk for c in mine)
    assert other.title not in response.content.decode()

    response = client_for(cast.officer_b).get(reverse("cases:case-list"))
    assert _shown(response) == [other.pk]
    for case in mine:
        assert case.title not in response.content.decode()


def test_an_empty_list_says_so(cast, client_for):
    response = client_for(cast.officer_a).get(reverse("cases:case-list"))
    assert response.status_code == 200
    assert 'data-testid="case-empty"' in response.content.decode()


def test_an_outsider_gets_404_everywhere_and_nothing_changes(cast, make_case, client_for):
    case = make_case("lead")
    before, audit_before = _state(case), AuditEvent.objects.count()
    outsider = client_for(cast.officer_b)
    for name in ("cases:case", "cases:case-edit", "cases:case-officers"):
        assert outsider.get(reverse(name, args=[case.pk])).status_code == 404
    posts = [
        (reverse("cases:case-edit", args=[case.pk]), {"title": "改掉", "version": case.version}),
        (
            reverse("cases:case-officers", args=[case.pk]),
            {"officers": [cast.officer_b.pk], "lead": cast.officer_b.pk},
        ),
        (reverse("cases:case-act", args=[case.pk, "start_check"]), {"version": case.version}),
        (reverse("cases:case-act", args=[case.pk, "withdraw"]), {"version": case.version, "note": "撤销"}),
        (reverse("cases:case-declare", args=[case.pk]), {"conflict": ""}),
    ]
    for url, data in posts:
        assert outsider.post(url, data).status_code == 404
    assert _state(case) == before
    assert AuditEvent.objects.count() == audit_before


def test_keyset_pages_walk_every_case_once(cast, make_case, client_for):
    moment = timezone.now()
    created = set()
    for n in range(60):
        # Twenty share one instant: the id breaks the tie, and no case falls between two pages.
        case = make_case("investigating", created_at=moment - dt.timedelta(minutes=n // 20))
        created.add(case.pk)
    client = client_for(cast.officer_a)
    url = reverse("cases:case-list")
    seen: list[int] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += _shown(response)
        pages += 1
        match = NEXT.search(response.content.decode())
        url = reverse("cases:case-list") + match.group(1).replace("&amp;", "&") if match else ""
        if pages > 1:
            assert 'data-testid="first-page"' in response.content.decode()
    assert pages == 3
    assert len(seen) == len(set(seen)) == 60
    assert set(seen) == created


def test_the_next_page_keeps_the_filters(cast, make_case, client_for):
    for _n in range(30):
        make_case("investigating")
    make_case("lead")
    response = client_for(cast.officer_a).get(reverse("cases:case-list"), {"stage": "investigating"})
    href = NEXT.search(response.content.decode()).group(1).replace("&amp;", "&")
    assert "stage=investigating" in href and "after=" in href
    second = client_for(cast.officer_a).get(reverse("cases:case-list") + href)
    assert len(_shown(second)) == 5
    assert all(Case.objects.get(pk=pk).stage == "investigating" for pk in _shown(second))


def test_filters(cast, make_case, big_item, client_for):
    today = timezone.localdate()
    lead = make_case("lead", title="油烟扰民", party_name="李四")
    overdue = make_case("investigating", next_due=today - dt.timedelta(days=1))
    soon = make_case("notified", item=big_item, next_due=today + dt.timedelta(days=2))
    later = make_case("investigating", next_due=today + dt.timedelta(days=30))
    not_mine = make_case("investigating", officers=[cast.supervisor_a, cast.officer_a2])
    client = client_for(cast.officer_a)
    url = reverse("cases:case-list")

    def shown(**params) -> set[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return set(_shown(response))

    assert shown() == {lead.pk, overdue.pk, soon.pk, later.pk, not_mine.pk}
    assert shown(stage="lead") == {lead.pk}
    assert shown(item=big_item.pk) == {soon.pk}
    assert shown(due="overdue") == {overdue.pk}
    assert shown(due="3") == {overdue.pk, soon.pk}
    assert shown(mine="1") == {lead.pk, overdue.pk, soon.pk, later.pk}
    assert shown(q="李四") == {lead.pk}
    assert shown(q="油烟") == {lead.pk}
    assert shown(stage="nonsense", due="forever", item="x") == shown()  # junk filters are ignored, not a 500
    html = client.get(url).content.decode()
    assert html.count('data-overdue="1"') == 2  # the overdue deadline is red in the card and in the row


def test_the_list_costs_a_fixed_number_of_queries(cast, make_case, client_for, django_assert_max_num_queries):
    for _n in range(5):
        make_case("investigating")
    client = client_for(cast.officer_a)
    client.get(reverse("cases:case-list"))
    for _n in range(20):
        make_case("notified")
    with django_assert_max_num_queries(8):  # the same for 5 rows or 25
        response = client.get(reverse("cases:case-list"))
    assert len(_shown(response)) == 25


# --- the lead form ------------------------------------------------------------------------------------------


def _lead_data(cast, stall_item, **overrides):
    today = timezone.localdate()
    data = {
        "town": cast.town_a.code,
        "source": "patrol",
        "title": "占道摆摊",
        "description": "解放路夜市烧烤摊占道经营",
        "item": stall_item.code,
        "place": "解放路12号",
        "act_on": today.isoformat(),
        "discovered_on": today.isoformat(),
        "party_kind": "person",
        "party_name": "王五",
        "officers": [cast.officer_a2.pk],
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_towns_items_and_team(cast, stall_item, client_for):
    response = client_for(cast.officer_a).get(reverse("cases:case-new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="suggest-box"' in html and "id_description" in html
    form = response.context["form"]
    assert list(form.fields["town"].queryset) == [cast.town_a]
    assert stall_item in form.fields["item"].queryset
    officers = set(form.fields["officers"].queryset)
    assert cast.officer_a2 in officers and cast.supervisor_a in officers
    assert (
        cast.officer_a not in officers and cast.officer_b not in officers and cast.reviewer_a not in officers
    )


def test_filing_a_lead_creates_it_and_goes_to_its_page(cast, stall_item, client_for):
    response = client_for(cast.officer_a).post(reverse("cases:case-new"), _lead_data(cast, stall_item))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.stage, case.town, case.item, case.created_by) == (
        "lead",
        cast.town_a,
        stall_item,
        cast.officer_a,
    )
    assert set(case.officers.values_list("officer__username", flat=True)) == {"officer_a", "officer_a2"}
    page = client_for(cast.officer_a).get(response["Location"])
    assert page.status_code == 200 and "占道摆摊" in page.content.decode()


def test_bad_input_shows_form_errors_not_a_500(cast, stall_item, client_for):
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client_for(cast.officer_a).post(
        reverse("cases:case-new"), _lead_data(cast, stall_item, act_on=future)
    )
    assert response.status_code == 400
    assert 'data-testid="error-act_on"' in response.content.decode()
    assert not Case.objects.exists()


def test_an_officer_of_another_town_is_refused_by_the_form(cast, stall_item, client_for):
    response = client_for(cast.officer_a).post(
        reverse("cases:case-new"), _lead_data(cast, stall_item, officers=[cast.officer_b.pk])
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_reviewer_may_not_file(cast, client_for):
    assert client_for(cast.reviewer_a).get(reverse("cases:case-new")).status_code == 403


def test_a_complaint_prefills_the_form_and_is_linked(cast, stall_item, client_for):
    from cases.models import Complaint

    complaint = Complaint.objects.create(
        district=cast.district,
        town=cast.town_a,
        text="楼下烧烤摊天天占道经营",
        address="解放路12号",
        external_id="12345-0001",
    )
    client = client_for(cast.officer_a)
    url = reverse("cases:case-new") + f"?complaint={complaint.pk}"
    form = client.get(url).context["form"]
    assert form.initial["description"] == complaint.text
    assert form.initial["place"] == "解放路12号" and form.initial["source"] == "complaint"
    response = client.post(url, _lead_data(cast, stall_item, description=complaint.text, source="complaint"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.complaint == complaint and case.source == "complaint"
    assert client_for(cast.officer_b).get(url).status_code == 404  # another town's complaint


# --- the case page ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stage",
    [
        "lead",
        "checking",
        "filing_review",
        "investigating",
        "notified",
        "deciding",
        "legal_review",
        "executed",
    ],
)
def test_the_buttons_are_exactly_the_available_actions(cast, make_case, client_for, stage):
    case = make_case(stage)
    for user in (cast.officer_a, cast.supervisor_a, cast.reviewer_a):
        response = client_for(user).get(reverse("cases:case", args=[case.pk]))
        assert response.status_code == 200
        shown = ACTION.findall(response.content.decode())
        allowed = available_actions(user, case)
        # Table order, with the dangerous ones (withdraw, transfer, do not file) set apart at the end.
        expected = [t.action.value for t in allowed if not t.danger] + [
            t.action.value for t in allowed if t.danger
        ]
        assert shown == expected, (stage, user.username)


def test_the_case_page_shows_the_officers_and_the_timeline(cast, make_case, client_for):
    case = make_case("investigating")
    CaseEvent.objects.create(
        case=case,
        action="approve_filing",
        from_stage="filing_review",
        to_stage="investigating",
        actor=cast.supervisor_a,
        note="同意立案",
    )
    html = client_for(cast.officer_a).get(reverse("cases:case", args=[case.pk])).content.decode()
    assert html.count('data-testid="officer-row"') == 2
    assert "同意立案" in html and 'data-action="approve_filing"' in html
    assert "《城市市容和环境卫生管理条例》第三十六条" in html
    assert 'data-testid="notice-recommendation"' in html  # beside the amount, in the notice form


def test_the_case_page_does_not_grow_with_its_timeline(cast, make_case, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case("investigating")
    client = client_for(cast.supervisor_a)
    url = reverse("cases:case", args=[case.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    queries()
    few = queries()
    for n in range(20):
        CaseEvent.objects.create(
            case=case, action="update", actor=cast.officer_a if n % 2 else cast.officer_a2, note=f"改 {n}"
        )
    assert queries() == few <= 26


def test_an_officers_case_page_costs_ten_queries(cast, make_case, client_for, django_assert_max_num_queries):
    """Session and user, the case with its people, officers, timeline, the officers' certificates and
    postings, evidence, documents and records (document requests only when there are some to show). At a
    stage without the benchmark's recommendation, which reads the catalog's reference data when not cached."""
    case = make_case("lead")
    client = client_for(cast.officer_a)
    url = reverse("cases:case", args=[case.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) <= 10, "\n".join(q["sql"][:150] for q in ctx.captured_queries)


def test_taking_an_action_moves_the_case(cast, make_case, client_for):
    case = make_case("lead")
    response = client_for(cast.officer_a).post(
        reverse("cases:case-act", args=[case.pk, "start_check"]), {"version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == "checking"


def test_a_stale_form_is_refused_with_a_message(cast, make_case, client_for):
    case = make_case("lead")
    seen = case.version
    Case.objects.filter(pk=case.pk).update(version=seen + 1)  # someone else saved meanwhile
    before = _state(case)
    client = client_for(cast.officer_a)
    response = client.post(
        reverse("cases:case-act", args=[case.pk, "start_check"]), {"version": seen}, follow=True
    )
    assert response.status_code == 200
    assert _state(case) == before
    assert any(
        "Someone else" in str(m) or "其他人" in str(m) or "别人" in str(m)
        for m in response.context["messages"]
    )
    htmx = client.post(
        reverse("cases:case-act", args=[case.pk, "start_check"]), {"version": seen}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 409
    assert _state(case) == before


def test_a_step_from_another_stage_is_refused_with_a_message(cast, make_case, client_for):
    case = make_case("checking")
    before = _state(case)
    response = client_for(cast.officer_a).post(
        reverse("cases:case-act", args=[case.pk, "start_check"]), {"version": case.version}
    )
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert _state(case) == before


def test_an_action_of_someone_else_is_forbidden(cast, make_case, client_for):
    case = make_case("filing_review")
    before = _state(case)
    response = client_for(cast.officer_a).post(
        reverse("cases:case-act", args=[case.pk, "approve_filing"]), {"version": case.version}
    )
    assert response.status_code == 403
    assert _state(case) == before
    assert (
        client_for(cast.officer_a).post(reverse("cases:case-act", args=[case.pk, "nonsense"]), {}).status_code
        == 404
    )


def test_an_invalid_action_form_reopens_with_its_errors(cast, make_case, client_for):
    case = make_case("filing_review")
    before = _state(case)
    response = client_for(cast.supervisor_a).post(
        reverse("cases:case-act", args=[case.pk, "reject_filing"]), {"version": case.version, "note": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="collapse show" id="act-reject_filing"' in html
    assert 'data-testid="error-note"' in html
    assert _state(case) == before


def test_a_legal_check_lands_on_the_form(cast, make_case, client_for):
    """Filing approval with one officer: the two-officer rule (art 42) is said on the page, the stage
    stays."""
    case = make_case("filing_review", officers=[cast.officer_a])
    before = _state(case)
    response = client_for(cast.supervisor_a).post(
        reverse("cases:case-act", args=[case.pk, "approve_filing"]), {"version": case.version}
    )
    assert response.status_code == 400
    assert "art 42" in response.content.decode() or "第四十二条" in response.content.decode()
    assert _state(case) == before


def test_declaring_no_conflict(cast, make_case, client_for):
    case = make_case("lead")
    CaseOfficer.objects.filter(case=case, officer=cast.officer_a).update(declared_at=None)
    client = client_for(cast.officer_a)
    assert 'data-testid="declare-form"' in client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert (
        'data-testid="declare-form"'
        not in client_for(cast.officer_a2).get(reverse("cases:case", args=[case.pk])).content.decode()
    )
    response = client.post(reverse("cases:case-declare", args=[case.pk]), {"conflict": ""})
    assert response.status_code == 302
    row = CaseOfficer.objects.get(case=case, officer=cast.officer_a)
    assert row.declared_at is not None and not row.conflict
    assert (
        'data-testid="declare-form"' not in client.get(reverse("cases:case", args=[case.pk])).content.decode()
    )


def test_a_conflict_needs_an_explanation(cast, make_case, client_for):
    case = make_case("lead")
    CaseOfficer.objects.filter(case=case, officer=cast.officer_a).update(declared_at=None)
    response = client_for(cast.officer_a).post(
        reverse("cases:case-declare", args=[case.pk]), {"conflict": "on", "note": ""}
    )
    assert response.status_code == 400
    assert CaseOfficer.objects.get(case=case, officer=cast.officer_a).declared_at is None


# --- edit and officers --------------------------------------------------------------------------------------


def test_editing_the_details(cast, make_case, client_for):
    case = make_case("checking")
    client = client_for(cast.officer_a)
    response = client.get(reverse("cases:case-edit", args=[case.pk]))
    assert response.status_code == 200
    data = {k: v for k, v in response.context["form"].initial.items() if v is not None}
    data.update(
        title="改过的标题",
        version=case.version,
        act_on=case.act_on.isoformat(),
        discovered_on=case.discovered_on.isoformat(),
        item=case.item.code,
    )
    response = client.post(reverse("cases:case-edit", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.title == "改过的标题" and case.town == cast.town_a


def test_a_stale_edit_is_refused(cast, make_case, client_for):
    case = make_case("checking")
    client = client_for(cast.officer_a)
    data = {
        k: v
        for k, v in client.get(reverse("cases:case-edit", args=[case.pk])).context["form"].initial.items()
        if v is not None
    }
    data.update(
        title="晚了一步",
        version=case.version,
        act_on=case.act_on.isoformat(),
        discovered_on=case.discovered_on.isoformat(),
        item=case.item.code,
    )
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    before = _state(case)
    response = client.post(reverse("cases:case-edit", args=[case.pk]), data)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert _state(case) == before


def test_details_are_fixed_after_the_notice(cast, make_case, client_for):
    case = make_case("notified")
    assert client_for(cast.officer_a).get(reverse("cases:case-edit", args=[case.pk])).status_code == 403
    assert client_for(cast.officer_a).get(reverse("cases:case-officers", args=[case.pk])).status_code == 403


def test_changing_the_officers(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    assert client.get(reverse("cases:case-officers", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("cases:case-officers", args=[case.pk]),
        {
            "version": case.version,
            "officers": [cast.officer_a.pk, cast.supervisor_a.pk],
            "lead": cast.officer_a.pk,
        },
    )
    assert response.status_code == 302
    active = set(
        CaseOfficer.objects.filter(case=case, recused_at__isnull=True).values_list(
            "officer__username", flat=True
        )
    )
    assert active == {"officer_a", "supervisor_a"}


# --- queues -------------------------------------------------------------------------------------------------


def test_the_queues(cast, make_case, client_for):
    filing = make_case("filing_review")
    review = make_case("legal_review")
    other_town = make_case("filing_review", town=cast.town_b, officers=[cast.officer_b])
    supervisor = client_for(cast.supervisor_a).get(reverse("cases:approvals"))
    # The approvals queue lists each case once, in its group (no separate phone cards).
    approvals = [int(pk) for pk in ROW.findall(supervisor.content.decode())]
    assert supervisor.status_code == 200 and approvals == [filing.pk]
    reviewer = client_for(cast.reviewer_a).get(reverse("cases:reviews"))
    assert reviewer.status_code == 200 and _shown(reviewer) == [review.pk]
    assert other_town.pk not in approvals
    assert client_for(cast.reviewer_a).get(reverse("cases:approvals")).status_code == 403
    assert client_for(cast.officer_a).get(reverse("cases:approvals")).status_code == 403
    assert client_for(cast.officer_a).get(reverse("cases:reviews")).status_code == 403
    assert client_for(cast.supervisor_a).get(reverse("cases:reviews")).status_code == 403


# --- the home panel -----------------------------------------------------------------------------------------


def test_the_home_panel_counts_my_open_cases(cast, make_case):
    from django.template.loader import render_to_string

    from cases.panels import my_cases

    today = timezone.localdate()
    make_case("investigating", next_due=today - dt.timedelta(days=2))
    make_case("notified", next_due=today + dt.timedelta(days=3))
    make_case("archived")
    make_case("investigating", officers=[cast.officer_a2, cast.supervisor_a])
    ctx = my_cases(None, cast.officer_a)
    assert (ctx["open"], ctx["overdue"], ctx["week"], ctx["approvals"], ctx["reviews"]) == (
        2,
        1,
        1,
        None,
        None,
    )
    assert my_cases(None, cast.supervisor_a)["approvals"] == 0
    html = render_to_string("cases/_case_panel.html", {"ctx": ctx})
    assert 'data-testid="cases-panel"' in html and "/cases/new/" in html
