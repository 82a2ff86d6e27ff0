"""Review outcomes on the desk, through the page and the API (the same service): each with its note, atomic,
audited, and safe under concurrent clicks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enforcement.models import AuditEvent, FenceWarning
from enforcement.services import fence_warning_review
from enforcement.workflow import InvalidTransition, StaleObject
from tests.conftest import race

S = FenceWarning.Status
pytestmark = pytest.mark.django_db


def _audits(warning, action="enforcement.fence.review"):
    return AuditEvent.objects.filter(action=action, object_id=str(warning.pk))


def test_justified_keeps_the_officers_reason_and_leaves_the_open_queue(cast, client_for, raise_warning):
    warning = raise_warning()
    client = client_for(cast.supervisor_a)
    page = client.get(reverse("desk-warning", args=[warning.pk]))
    assert page.status_code == 200
    assert "当事人系初次违法且积极配合" in page.content.decode()

    answer = client.post(
        reverse("desk-warning", args=[warning.pk]), {"outcome": "justified", "note": "理由成立"}, follow=True
    )
    assert answer.status_code == 200
    warning.refresh_from_db()
    assert warning.status == S.JUSTIFIED
    assert warning.reviewed_by == cast.supervisor_a and warning.review_note == "理由成立"
    assert warning.reason.startswith("当事人系初次违法")
    row = _audits(warning).get()
    assert row.before == {"status": "open"} and row.after["status"] == "justified"
    queue = client.get(reverse("desk")).content.decode()
    assert f'data-warning="{warning.pk}"' not in queue


def test_confirmed_needs_the_follow_up_then_is_resolved(cast, client_for, raise_warning):
    warning = raise_warning()
    api = client_for(cast.supervisor_a)
    url = reverse("api-desk-review", args=[warning.pk])
    missing = api.post(url, {"outcome": "confirmed", "note": "超出阶次"}, content_type="application/json")
    assert missing.status_code == 400
    assert "follow_up" in missing.json()["errors"]
    warning.refresh_from_db()
    assert warning.status == S.OPEN and not _audits(warning).exists()

    ok = api.post(
        url,
        {"outcome": "confirmed", "note": "超出阶次", "follow_up": "重新集体讨论裁量"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "confirmed" and ok.json()["follow_up"] == "重新集体讨论裁量"

    no_note = api.post(url, {"outcome": "resolved"}, content_type="application/json")
    assert no_note.status_code == 400 and "note" in no_note.json()["errors"]
    done = api.post(url, {"outcome": "resolved", "note": "已按阶次重新决定"}, content_type="application/json")
    assert done.status_code == 200
    warning.refresh_from_db()
    assert warning.status == S.RESOLVED and warning.resolved_by == cast.supervisor_a
    assert warning.resolution_note == "已按阶次重新决定" and warning.follow_up == "重新集体讨论裁量"
    assert _audits(warning, "enforcement.fence.resolve").count() == 1


def test_dismissed_needs_a_note_and_an_open_warning_cannot_be_resolved(cast, raise_warning):
    from django.core.exceptions import ValidationError

    warning = raise_warning()
    with pytest.raises(ValidationError):
        fence_warning_review(actor=cast.supervisor_a, warning=warning, status=S.DISMISSED)
    with pytest.raises(InvalidTransition):
        fence_warning_review(actor=cast.supervisor_a, warning=warning, status=S.RESOLVED, note="x")
    fence_warning_review(actor=cast.supervisor_a, warning=warning, status=S.DISMISSED, note="规则误报")
    warning.refresh_from_db()
    assert warning.status == S.DISMISSED


def test_a_second_click_is_refused_with_a_clear_message(cast, client_for, raise_warning):
    warning = raise_warning()
    first, second = client_for(cast.supervisor_a), client_for(cast.admin)
    url = reverse("api-desk-review", args=[warning.pk])
    done = first.post(url, {"outcome": "dismissed", "note": "误报"}, content_type="application/json")
    assert done.status_code == 200
    late = second.post(url, {"outcome": "justified", "note": "理由成立"}, content_type="application/json")
    assert late.status_code == 409
    assert late.json()["detail"].startswith("该预警已是“已排除”，现在不能再标记为“理由成立”")
    page = second.post(
        reverse("desk-warning", args=[warning.pk]), {"outcome": "justified", "note": "理由成立"}, follow=True
    )
    assert "不能再标记" in page.content.decode()
    warning.refresh_from_db()
    assert warning.status == S.DISMISSED and _audits(warning).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_one_wins(cast, raise_warning):
    warning = raise_warning()
    loaded = [FenceWarning.objects.get(pk=warning.pk) for _ in range(2)]  # both read it open

    results = race(
        [
            lambda: fence_warning_review(
                actor=cast.supervisor_a, warning=loaded[0], status=S.JUSTIFIED, note="a"
            ),
            lambda: fence_warning_review(actor=cast.admin, warning=loaded[1], status=S.DISMISSED, note="b"),
        ]
    )
    won = [r for r in results if isinstance(r, FenceWarning)]
    lost = [r for r in results if isinstance(r, StaleObject)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "本次未作任何更改" in str(lost[0])  # threads run in the default language
    warning.refresh_from_db()
    assert warning.status == won[0].status
    assert _audits(warning).count() == 1


def test_bulk_acknowledge_skips_what_is_not_open_or_not_yours(cast, client_for, raise_warning):
    mine = [raise_warning(), raise_warning()]
    reviewed = raise_warning()
    fence_warning_review(actor=cast.supervisor_a, warning=reviewed, status=S.JUSTIFIED, note="ok")
    other_town = raise_warning(town=cast.town_b, officer=cast.officer_b)
    client = client_for(cast.supervisor_a)
    answer = client.post(
        reverse("api-desk-acknowledge"),
        {"warnings": [w.pk for w in [*mine, reviewed, other_town]]},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert sorted(answer.json()["acknowledged"]) == sorted(w.pk for w in mine)
    assert sorted(answer.json()["skipped"]) == sorted([reviewed.pk, other_town.pk])
    other_town.refresh_from_db()
    assert other_town.status == S.OPEN and not _audits(other_town).exists()
    assert FenceWarning.objects.filter(pk__in=[w.pk for w in mine], status=S.ACKNOWLEDGED).count() == 2

    again = raise_warning()
    page = client.post(reverse("desk-acknowledge"), {"warnings": [str(again.pk)]}, follow=True)
    assert page.status_code == 200
    again.refresh_from_db()
    assert again.status == S.ACKNOWLEDGED


def test_the_queue_filters_by_rule_officer_town_and_date(cast, client_for, raise_warning, supervisor_b):
    import datetime as dt

    from django.utils import timezone

    old = raise_warning(raised_at=timezone.now() - dt.timedelta(days=20))
    block = raise_warning(severity=FenceWarning.Severity.BLOCK, officer=cast.officer_a2, rule="procedure.x")
    prompt = raise_warning(severity=FenceWarning.Severity.PROMPT, reason="")
    client = client_for(cast.admin)

    def ids(query=""):
        page = client.get(reverse("api-desk-warnings") + query)
        assert page.status_code == 200, page.content
        return [r["id"] for r in page.json()["results"]]

    assert ids() == [block.pk, old.pk, prompt.pk]  # severity first, then oldest first
    assert ids("?rule=procedure.x") == [block.pk]
    assert ids(f"?officer={cast.officer_a2.username}") == [block.pk]
    assert ids(f"?town={cast.town_b.code}") == []
    since = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert ids(f"?since={since}") == [block.pk, prompt.pk]
    assert client.get(reverse("api-desk-warnings") + "?since=yesterday").status_code == 400
    page = client.get(reverse("desk"), {"officer": cast.officer_a2.pk, "status": "open"}).content.decode()
    assert f'data-warning="{block.pk}"' in page and f'data-warning="{old.pk}"' not in page


def test_facts_are_labelled_not_json(cast, client_for, raise_warning, make_case):
    case = make_case()
    warning = raise_warning(
        obj=case, details={"fine": 800, "tier_min": 50, "tier_max": 200, "first_violation": True}
    )
    page = client_for(cast.supervisor_a).get(reverse("desk-warning", args=[warning.pk]) + "?lang=en")
    html = page.content.decode()
    assert "Proposed fine (yuan)" in html and "Highest fine of the tier (yuan)" in html
    assert "First violation" in html and ">Yes<" in html
    assert '{"fine"' not in html and "tier_max" not in html
    assert reverse("cases:case", args=[case.pk]) in html
    api = client_for(cast.supervisor_a).get(reverse("api-desk-warning", args=[warning.pk]) + "?lang=en")
    assert api.json()["object_url"] == reverse("cases:case", args=[case.pk])
    assert {"label": "Proposed fine (yuan)", "value": "800"} in api.json()["facts"]


def test_coded_facts_read_in_words_in_the_reader_s_language(cast, client_for, raise_warning, make_case):
    warning = raise_warning(
        obj=make_case(),
        details={
            "tier": "normal",
            "kinds": ["fine"],
            "review_reasons": ["major_penalty"],
            "deviation": "lighter",
        },
    )
    client = client_for(cast.supervisor_a)
    zh = client.get(reverse("desk-warning", args=[warning.pk]) + "?lang=zh-hans").content.decode()
    assert "较重处罚或较大数额罚款" in zh and "低于推荐档次" in zh and "一般" in zh
    en = client.get(reverse("desk-warning", args=[warning.pk]) + "?lang=en").content.decode()
    assert "a heavy penalty or a large fine" in en and "below the recommended tier" in en
    for code in ("major_penalty", "lighter", ">normal<", ">fine<"):
        assert code not in zh and code not in en


def test_a_sweep_s_facts_read_as_words_without_row_ids_or_raw_codes(
    cast, client_for, raise_warning, make_case
):
    """What the deadline sweeps write (`cases/sweeps.py`): the stage in words, the link as the link, not as a
    fact; in both languages."""
    case = make_case("correcting")
    warning = raise_warning(
        obj=case,
        reason="",
        details={
            "due": "2026-11-12",
            "url": f"/cases/{case.pk}/",
            "stage": "correcting",
            "passed": True,
            "days_late": 25,
        },
    )
    client = client_for(cast.supervisor_a)
    for lang, words in (
        ("en", ("Case stage", "Ordered to correct", "Deadline passed")),
        ("zh-hans", ("案件环节", "已超期")),
    ):
        html = client.get(reverse("desk-warning", args=[warning.pk]) + f"?lang={lang}").content.decode()
        assert all(w in html for w in words), (lang, words)
        assert ">correcting<" not in html and ">Url<" not in html and f">/cases/{case.pk}/<" not in html
        queue = client.get(reverse("desk") + f"?lang={lang}").content.decode()
        assert ">correcting<" not in queue and ">Url<" not in queue


def test_a_whistle_deadline_names_the_department_shows_local_time_and_links_the_whistle(
    cast, client_for, raise_warning
):
    """`whistles/sweeps.py` keeps the assignment (no page of its own) as the object, the deadline in UTC and
    the department's id: the desk shows Beijing time, the department's name, and the whistle's page as the
    link."""
    warning = raise_warning(
        reason="",
        details={
            "due": "2026-09-10T02:06:08.595527+00:00",
            "url": "/whistles/67/",
            "step": "sent",
            "passed": True,
            "assignment": 75,
            "department": cast.department.pk,
        },
    )
    client = client_for(cast.supervisor_a)
    html = client.get(reverse("desk-warning", args=[warning.pk]) + "?lang=en").content.decode()
    assert "10:06" in html and "02:06" not in html  # Asia/Shanghai, as the message says it
    assert (cast.department.name_en or cast.department.name_zh) in html and "Waiting for check-in" in html
    assert 'href="/whistles/67/"' in html and ">Assignment<" not in html and ">75<" not in html
    api = client.get(reverse("api-desk-warning", args=[warning.pk])).json()
    assert api["object_url"] == "/whistles/67/"
    assert not any(f["value"] in ("sent", "75", str(cast.department.pk)) for f in api["facts"])


def test_a_link_the_rule_gives_beside_the_object_is_shown_and_an_outside_one_is_not(
    cast, client_for, raise_warning, make_case
):
    case = make_case()
    join = raise_warning(obj=case, reason="", details={"url": "/inspections/33/", "join_on": "2027-01-26"})
    outside = raise_warning(reason="", details={"url": "https://example.com/x", "step": "sent"})
    client = client_for(cast.supervisor_a)
    html = client.get(reverse("desk-warning", args=[join.pk]) + "?lang=en").content.decode()
    assert f'href="/cases/{case.pk}/"' in html and 'href="/inspections/33/"' in html
    assert "Open the linked inspection" in html and "Open the case" in html
    html = client.get(reverse("desk-warning", args=[outside.pk])).content.decode()
    assert "example.com" not in html
