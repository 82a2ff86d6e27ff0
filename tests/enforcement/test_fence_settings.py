"""Fence rule parameters as versioned district data (issue 14): the defaults overlaid by the setting in force
on a date; district administrators change them from a date on a page and through the API, audited; bad
parameters are form errors; an officer and another district's administrator are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from enforcement.fences import (
    FenceContext,
    FenceRefusal,
    FenceRule,
    Finding,
    evaluate,
    fence_gate,
    register_fence_check,
    register_fence_rule,
    rule_config,
    rule_params,
)
from enforcement.models import AuditEvent, FenceRuleSetting, Role
from enforcement.services import fence_setting_change
from tests.factories import make_district, make_unit, make_user

pytestmark = pytest.mark.django_db

RULE = "cases.review_without_evidence"  # registered by the cases app: params {"min_evidence": 1}
LAW = "cases.limitation"  # a locked rule (the law)


def _window_check(context: FenceContext):
    if context["visits"] > context.params("test.window")["days"]:
        yield Finding(rule="test.window", message="too many", facts={"visits": context["visits"]})


@pytest.fixture
def window_rule():
    """A rule and check of the test's own, taken out of the registry afterwards (no leak into the pages)."""
    from enforcement import fences

    register_fence_rule(
        FenceRule(
            code="test.window", label="Test window", severity="prompt", params={"days": 30, "ratio": 0.5}
        )
    )
    register_fence_check("test.action", _window_check)
    yield
    fences._RULES.pop("test.window", None)
    fences._CHECKS.pop("test.action", None)


def change(cast, on: dt.date, **values):
    values.setdefault("params", {})
    values.setdefault("note", "调整")
    return fence_setting_change(
        actor=cast.admin, district=cast.district, rule=RULE, effective_from=on, **values
    )


def test_the_parameters_in_force_are_the_latest_setting_not_after_the_date(cast):
    may1, june1 = dt.date(2026, 5, 1), dt.date(2026, 6, 1)
    assert rule_params(RULE, cast.district.pk, may1) == {"min_evidence": 1}
    change(cast, may1, params={"min_evidence": 2})
    change(cast, june1, params={"min_evidence": 3})
    assert rule_params(RULE, cast.district.pk, dt.date(2026, 4, 30)) == {"min_evidence": 1}
    assert rule_params(RULE, cast.district.pk, may1) == {"min_evidence": 2}
    assert rule_params(RULE, cast.district.pk, dt.date(2026, 5, 31)) == {"min_evidence": 2}
    assert rule_params(RULE, cast.district.pk, dt.date(2027, 1, 1)) == {"min_evidence": 3}
    other = make_district(code="T501", name_zh="别区")
    assert rule_params(RULE, other.pk, dt.date(2027, 1, 1)) == {"min_evidence": 1}


def test_a_change_is_audited_and_the_old_rows_stay_as_history(cast):
    change(cast, dt.date(2026, 5, 1), params={"min_evidence": 2})
    change(cast, dt.date(2026, 6, 1), params={"min_evidence": 3}, note="加严")
    assert FenceRuleSetting.objects.filter(district=cast.district, rule=RULE).count() == 2
    audit = AuditEvent.objects.filter(action="enforcement.fence_setting.change").order_by("pk")
    assert audit.count() == 2 and audit.last().after["params"] == {"min_evidence": 3}
    assert audit.last().actor == cast.admin


def test_a_disabled_rule_says_nothing_and_a_severity_override_applies(cast, window_rule):
    context = FenceContext(district_id=cast.district.pk, on=dt.date(2026, 5, 2), data={"visits": 40})
    (finding,) = evaluate("test.action", context)
    assert finding.severity == "prompt"
    fence_setting_change(
        actor=cast.admin,
        district=cast.district,
        rule="test.window",
        effective_from=dt.date(2026, 5, 1),
        params={"days": 50},
        severity="warning",
        note="放宽",
    )
    assert (
        evaluate(
            "test.action",
            FenceContext(district_id=cast.district.pk, on=dt.date(2026, 5, 2), data={"visits": 40}),
        )
        == []
    )
    (finding,) = evaluate(
        "test.action", FenceContext(district_id=cast.district.pk, on=dt.date(2026, 5, 2), data={"visits": 60})
    )
    assert finding.severity == "warning"
    fence_setting_change(
        actor=cast.admin,
        district=cast.district,
        rule="test.window",
        effective_from=dt.date(2026, 5, 3),
        params={},
        enabled=False,
        note="停用",
    )
    assert (
        evaluate(
            "test.action",
            FenceContext(district_id=cast.district.pk, on=dt.date(2026, 5, 3), data={"visits": 99}),
        )
        == []
    )


def test_a_rule_of_the_law_cannot_be_switched_off_or_made_milder(cast):
    from django.core.exceptions import ValidationError

    for values in ({"enabled": False}, {"severity": "warning"}):
        with pytest.raises(ValidationError):
            fence_setting_change(
                actor=cast.admin,
                district=cast.district,
                rule=LAW,
                effective_from=dt.date(2026, 5, 1),
                params={},
                note="x",
                **values,
            )
    assert not FenceRuleSetting.objects.exists()
    # Even a row written around the service does not lower it.
    FenceRuleSetting.objects.create(
        district=cast.district, rule=LAW, enabled=False, severity="prompt", effective_from=dt.date(2026, 1, 1)
    )
    config = rule_config(LAW, cast.district.pk, dt.date(2026, 5, 1))
    assert config.enabled and config.severity == "block"


def test_the_gate_refuses_a_block_asks_the_reason_for_a_warning_and_keeps_prompts():
    block = Finding(rule="test.window", message="no", severity="block", article="art 1")
    warning = Finding(rule="test.window", message="why?", severity="warning")
    prompt = Finding(rule="test.window", message="fyi", severity="prompt")
    with pytest.raises(FenceRefusal) as caught:
        fence_gate([warning, block], reason="because", reason_field="why")
    assert caught.value.blocked and "art 1" in caught.value.messages[0]
    with pytest.raises(FenceRefusal) as caught:
        fence_gate([warning, prompt], reason=" ", reason_field="why")
    assert caught.value.message_dict == {"why": ["why?"]} and not caught.value.blocked
    assert fence_gate([warning, prompt], reason="because", reason_field="why") == [warning, prompt]


# --- the page ---------------------------------------------------------------------------------------------


def test_the_administrator_changes_a_setting_on_the_page(cast, client_for):
    client = client_for(cast.admin)
    listing = client.get(reverse("fence-rules"))
    assert listing.status_code == 200 and f'data-rule="{RULE}"' in listing.content.decode()
    url = reverse("fence-rule", args=[RULE])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "effective_from": "2026-05-01",
            "enabled": "on",
            "severity": "",
            "param_min_evidence": "2",
            "note": "加严",
        },
    )
    assert response.status_code == 302
    setting = FenceRuleSetting.objects.get(district=cast.district, rule=RULE)
    assert setting.params == {"min_evidence": 2} and setting.changed_by == cast.admin
    assert "加严" in client.get(url).content.decode()


def test_bad_parameters_are_form_errors_and_change_nothing(cast, client_for):
    client = client_for(cast.admin)
    url = reverse("fence-rule", args=[RULE])
    for bad in (
        {"param_min_evidence": "-1"},
        {"param_min_evidence": "two"},
        {"note": ""},
        {"effective_from": "x"},
    ):
        data = {
            "effective_from": "2026-05-01",
            "enabled": "on",
            "param_min_evidence": "2",
            "note": "x",
            **bad,
        }
        response = client.post(url, data)
        assert response.status_code == 400
        assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()
    assert not FenceRuleSetting.objects.exists()
    assert client.get(reverse("fence-rule", args=["no.such"])).status_code == 404


def test_an_officer_may_not_see_or_change_the_settings(cast, client_for):
    client = client_for(cast.officer_a)
    assert client.get(reverse("fence-rules")).status_code == 403
    url = reverse("fence-rule", args=[RULE])
    assert (
        client.post(url, {"effective_from": "2026-05-01", "param_min_evidence": "2", "note": "x"}).status_code
        == 403
    )
    api = client.post(
        reverse("api-fence-setting", args=[RULE]),
        {"effective_from": "2026-05-01", "params": {"min_evidence": 2}, "note": "x"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert not FenceRuleSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="enforcement.fence_setting.change").exists()


def test_another_districts_administrator_cannot_change_this_district(cast, client_for):
    other = make_district(code="T502", name_zh="邻区")
    office = make_unit(other, "district_office", code="T502-SFJ", name_zh="邻区司法局")
    admin_b = make_user(office, [Role.DISTRICT_ADMIN], username="admin_b")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        fence_setting_change(
            actor=admin_b,
            district=cast.district,
            rule=RULE,
            effective_from=dt.date(2026, 5, 1),
            params={},
            note="x",
        )
    # Their page and API change their own district only.
    client = client_for(admin_b)
    client.post(
        reverse("fence-rule", args=[RULE]),
        {"effective_from": "2026-05-01", "enabled": "on", "param_min_evidence": "5", "note": "邻区"},
    )
    assert not FenceRuleSetting.objects.filter(district=cast.district).exists()
    assert FenceRuleSetting.objects.get(district=other).params == {"min_evidence": 5}
    assert rule_params(RULE, cast.district.pk, dt.date(2026, 6, 1)) == {"min_evidence": 1}


def test_the_api_lists_the_rules_and_takes_a_change(cast, client_for):
    client = client_for(cast.admin)
    response = client.post(
        reverse("api-fence-setting", args=[RULE]),
        {"effective_from": "2026-05-01", "params": {"min_evidence": 2}, "note": "加严"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    bad = client.post(
        reverse("api-fence-setting", args=[RULE]),
        {"effective_from": "2026-05-01", "params": {"min_evidence": "lots", "nope": 1}, "note": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["errors"]["params"]
    listing = client.get(reverse("api-fence-rules"))
    assert listing.status_code == 200
    row = next(r for r in listing.json() if r["code"] == RULE)
    assert row["history"][0]["params"] == {"min_evidence": 2} and row["defaults"] == {"min_evidence": 1}
    law = next(r for r in listing.json() if r["code"] == LAW)
    assert law["locked"] and law["severity"] == "block" and "第三十六条" in law["article"]  # zh by default
    assert client_for(cast.supervisor_a).get(reverse("api-fence-rules")).status_code == 200
    assert client_for(cast.officer_a).get(reverse("api-fence-rules")).status_code == 403
