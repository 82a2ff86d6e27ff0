"""New warnings reach the town's supervisors through the in-app channel; warnings left open past the
district's time go to the district office, and past the city time to the city. Each once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.models import AuditEvent, FenceWarning
from enforcement.services import district_escalation_set, fence_warning_raise, fence_warnings_escalate
from enforcement.tasks import fence_escalation_sweep_task
from whistles.models import Notification
from whistles.notifications import link_for, render

pytestmark = pytest.mark.django_db
E = FenceWarning.Escalation


def test_a_new_warning_notifies_the_towns_supervisors_once(cast, raise_warning):
    warning = raise_warning()
    sent = Notification.objects.filter(kind="fence_raised")
    assert [n.recipient for n in sent] == [cast.supervisor_a]
    note = sent.get()
    assert link_for(note) == reverse("desk-warning", args=[warning.pk])
    assert "拟罚款超出裁量基准阶次" in render(note)
    again, created = fence_warning_raise(
        rule=warning.rule, key=warning.key, town=cast.town_a, message=warning.message, officer=cast.officer_a
    )
    assert not created and again.pk == warning.pk
    assert Notification.objects.filter(kind="fence_raised").count() == 1


def test_a_prompt_notifies_nobody(cast, raise_warning):
    raise_warning(severity=FenceWarning.Severity.PROMPT)
    assert not Notification.objects.filter(kind="fence_raised").exists()


def test_open_warnings_escalate_to_the_district_then_the_city_once(
    cast, raise_warning, city, city_supervisor, client_for
):
    district_escalation_set(actor=cast.admin, district=cast.district, warning_hours=24, city_hours=48)
    now = timezone.now()
    stale = raise_warning(raised_at=now - dt.timedelta(hours=30))
    fresh = raise_warning(raised_at=now - dt.timedelta(hours=2))
    prompt = raise_warning(severity=FenceWarning.Severity.PROMPT, raised_at=now - dt.timedelta(hours=30))
    reviewed = raise_warning(raised_at=now - dt.timedelta(hours=30))
    FenceWarning.objects.filter(pk=reviewed.pk).update(status=FenceWarning.Status.JUSTIFIED)

    assert fence_escalation_sweep_task() == {"district": 1, "city": 0}
    assert fence_escalation_sweep_task() == {"district": 0, "city": 0}  # a second run changes nothing
    for w in (stale, fresh, prompt, reviewed):
        w.refresh_from_db()
    assert stale.escalation == E.DISTRICT and stale.escalated_at is not None
    assert fresh.escalation == prompt.escalation == reviewed.escalation == E.NONE
    to_admin = Notification.objects.filter(kind="fence_escalated_district")
    assert [n.recipient for n in to_admin] == [cast.admin]
    assert (
        AuditEvent.objects.filter(action="enforcement.fence.escalate", object_id=str(stale.pk)).count() == 1
    )

    # The district leaves it open: past the city time it reaches the city, once.
    later = now + dt.timedelta(hours=49)
    assert fence_warnings_escalate(now=later).city == 1
    assert fence_warnings_escalate(now=later).city == 0
    stale.refresh_from_db()
    assert stale.escalation == E.CITY
    to_city = Notification.objects.filter(kind="fence_escalated_city")
    assert [n.recipient for n in to_city] == [city_supervisor]
    listed = client_for(city_supervisor).get(reverse("desk")).content.decode()
    assert f'data-warning="{stale.pk}"' in listed


def test_the_escalation_time_is_the_districts_data(cast, raise_warning, client_for):
    warning = raise_warning(raised_at=timezone.now() - dt.timedelta(hours=30))
    assert fence_warnings_escalate().district == 0  # the default is 72 hours
    client = client_for(cast.admin)
    answer = client.post(reverse("desk-escalation"), {"warning_hours": "12", "city_hours": "96"}, follow=True)
    assert answer.status_code == 200
    cast.district.refresh_from_db()
    assert (cast.district.warning_escalation_hours, cast.district.city_escalation_hours) == (12, 96)
    assert AuditEvent.objects.filter(action="enforcement.district.set_escalation").count() == 1
    assert fence_warnings_escalate().district == 1
    warning.refresh_from_db()
    assert warning.escalation == E.DISTRICT
    # A supervisor may not change it; nonsense is refused with a message.
    assert (
        client_for(cast.supervisor_a).post(reverse("desk-escalation"), {"warning_hours": "1"}).status_code
        == 403
    )
    client.post(reverse("desk-escalation"), {"warning_hours": "0", "city_hours": "x"})
    cast.district.refresh_from_db()
    assert cast.district.warning_escalation_hours == 12


def test_the_bell_reads_the_rule_and_the_warning_in_the_readers_language(cast):
    """The notification keeps the rule and the warning's sentence in each language: an English reader's bell
    names the rule in English and labels a sentence written in Chinese, and neither reads a doubled stop."""
    from django.utils import translation

    from enforcement.fences import Finding
    from enforcement.services import fence_findings_record
    from supervision.facts import rule_label

    stopped = "拟罚款超出裁量基准阶次。"  # the sentence ends with its own stop
    with translation.override("zh-hans"):
        fence_findings_record(
            actor=cast.officer_a,
            action="test.propose_fine",
            key="bell",
            findings=[Finding(rule="discretion.outside_tier", message=stopped, severity="warning")],
            town=cast.town_a,
            reason="初次违法",
        )
        chinese_rule = rule_label("discretion.outside_tier")
    note = Notification.objects.get(kind="fence_raised", recipient=cast.supervisor_a)
    with translation.override("en"):
        english_rule = rule_label("discretion.outside_tier")
        english = render(note)
    with translation.override("zh-hans"):
        chinese = render(note)
    assert english_rule != chinese_rule
    assert f": {english_rule} — Written in Simplified Chinese: 拟罚款超出裁量基准阶次. Review it" in english
    assert f"{chinese_rule}——拟罚款超出裁量基准阶次。请到监督台审核。" in chinese
    assert "。。" not in chinese and "。." not in english
