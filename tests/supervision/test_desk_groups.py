"""The desk page gathers a town's many prompts of one rule (a district's zombie items) into one line with the
count, a link to the list and one button to acknowledge them, so the warnings that ask for a decision are not
buried; the API still pages every warning."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from enforcement.models import AuditEvent, FenceWarning
from supervision.selectors import GATHER_AT

pytestmark = pytest.mark.django_db

S = FenceWarning.Status
PROMPT = FenceWarning.Severity.PROMPT
ZOMBIE = "authority.zombie_item"


def rows(page: str) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(r'data-testid="desk-row" data-warning="(\d+)"', page)}


@pytest.fixture
def desk(cast, raise_warning):
    zombies = [
        raise_warning(rule=ZOMBIE, severity=PROMPT, reason="", officer=None, message=f"甲街道从未使用 T-{n}")
        for n in range(GATHER_AT + 1)
    ]
    few = [
        raise_warning(rule="cases.deadline.check", severity=PROMPT, reason="") for _ in range(GATHER_AT - 1)
    ]
    warning = raise_warning()
    return {"zombies": zombies, "few": few, "warning": warning}


def test_a_town_s_many_prompts_of_one_rule_are_one_line_and_the_rest_stay_rows(cast, client_for, desk):
    client = client_for(cast.supervisor_a)
    with translation.override("en"):
        page = client.get(reverse("desk"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    shown = rows(page)
    assert not shown & {w.pk for w in desk["zombies"]}
    assert shown == {w.pk for w in desk["few"]} | {desk["warning"].pk}
    assert page.count('data-testid="desk-group"') == 1
    assert f'data-rule="{ZOMBIE}" data-town="{cast.town_a.pk}"' in page
    assert f'data-testid="desk-group-count">{GATHER_AT + 1}<' in page
    # the queue's rows come first, the gathered line after them
    assert page.index('data-testid="desk-queue"') < page.index('data-testid="desk-groups"')

    # Its link is the list: every zombie prompt, one row each, and no group.
    listed = client.get(reverse("desk"), {"rule": ZOMBIE, "town": cast.town_a.pk}).content.decode()
    assert rows(listed) == {w.pk for w in desk["zombies"]}
    assert 'data-testid="desk-group"' not in listed


def test_the_api_still_pages_every_warning(cast, client_for, desk):
    answer = client_for(cast.supervisor_a).get(reverse("api-desk-warnings"), {"size": 100})
    assert answer.status_code == 200
    every = [*desk["zombies"], *desk["few"], desk["warning"]]
    assert {r["id"] for r in answer.json()["results"]} == {w.pk for w in every}


def test_the_line_reads_in_chinese(cast, client_for, desk):
    page = client_for(cast.supervisor_a).get(reverse("desk"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "按规则和镇街归并的提示" in page
    assert f"全部 {GATHER_AT + 1} 条标为已知悉" in page


def test_acknowledging_a_line_acknowledges_its_open_prompts_with_an_audit_row_each(cast, client_for, desk):
    answer = client_for(cast.supervisor_a).post(
        reverse("desk-acknowledge"), {"group_rule": ZOMBIE, "group_town": cast.town_a.pk}
    )
    assert answer.status_code == 302
    zombies = [w.pk for w in desk["zombies"]]
    assert FenceWarning.objects.filter(pk__in=zombies, status=S.ACKNOWLEDGED).count() == len(zombies)
    assert FenceWarning.objects.filter(pk__in=[w.pk for w in desk["few"]], status=S.OPEN).count() == len(
        desk["few"]
    )
    assert FenceWarning.objects.get(pk=desk["warning"].pk).status == S.OPEN
    assert AuditEvent.objects.filter(
        object_type="enforcement.fencewarning", object_id__in=map(str, zombies)
    ).exclude(action="enforcement.fence.raise").count() >= len(zombies)


def test_another_town_s_supervisor_acknowledges_nothing_of_the_line(cast, client_for, desk, supervisor_b):
    before = AuditEvent.objects.count()
    answer = client_for(supervisor_b).post(
        reverse("desk-acknowledge"), {"group_rule": ZOMBIE, "group_town": cast.town_a.pk}
    )
    assert answer.status_code == 302
    assert FenceWarning.objects.filter(status=S.OPEN).count() == len(desk["zombies"]) + len(desk["few"]) + 1
    assert AuditEvent.objects.count() == before


def test_a_city_supervisor_sees_the_line_without_the_button_and_cannot_acknowledge_it(
    cast, client_for, desk, city_supervisor
):
    client = client_for(city_supervisor)
    page = client.get(reverse("desk")).content.decode()
    assert f'data-rule="{ZOMBIE}" data-town="{cast.town_a.pk}"' in page
    assert 'data-testid="desk-group-acknowledge"' not in page
    client.post(reverse("desk-acknowledge"), {"group_rule": ZOMBIE, "group_town": cast.town_a.pk})
    assert not FenceWarning.objects.filter(rule=ZOMBIE).exclude(status=S.OPEN).exists()
    supervisor = client_for(cast.supervisor_a).get(reverse("desk")).content.decode()
    assert 'data-testid="desk-group-acknowledge"' in supervisor
