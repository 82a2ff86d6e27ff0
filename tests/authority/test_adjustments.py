"""The adjustment workflow: draft, lines, approval by a district administrator only; refusals change
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from authority.models import Adjustment, AdjustmentLine, AuthorityGrant, GrantKind
from authority.selectors import who_enforces
from authority.services import adjustment_approve, adjustment_create, adjustment_line_add
from enforcement.models import AuditEvent
from tests.factories import make_district, make_unit, make_user

pytestmark = pytest.mark.django_db


def _draft(cast, catalog, effective=dt.date(2025, 7, 1)) -> Adjustment:
    adjustment = adjustment_create(
        actor=cast.admin,
        district=cast.district,
        title="收回消防事项",
        document_number="测府发〔2025〕5号",
        document_date=effective - dt.timedelta(days=10),
        effective_from=effective,
    )
    adjustment_line_add(
        actor=cast.admin,
        adjustment=adjustment,
        action=AdjustmentLine.Action.RECOVER,
        item=catalog["T-XF-001"],
        towns=[cast.town_a, cast.town_b],
    )
    return adjustment


def _grants() -> list[tuple]:
    return list(AuthorityGrant.objects.order_by("pk").values_list("pk", "valid_to", "ended_by"))


def test_the_whole_workflow_through_the_pages(cast, catalog, client_for):
    admin = client_for(cast.admin)
    response = admin.post(
        reverse("authority-adjustment-new"),
        {
            "title": "关于调整街道执法事项的决定",
            "document_number": "测府发〔2025〕9号",
            "document_date": "2025-06-10",
            "effective_from": "2025-07-01",
            "note": "专业事项收回",
        },
    )
    adjustment = Adjustment.objects.get(document_number="测府发〔2025〕9号")
    assert response.status_code == 302 and adjustment.status == Adjustment.Status.DRAFT
    url = reverse("authority-adjustment", args=[adjustment.pk])
    assert (
        admin.post(
            url,
            {
                "do": "add_line",
                "line-action": "recover",
                "line-item": catalog["T-XF-001"].pk,
                "line-towns": [cast.town_a.pk],
            },
        ).status_code
        == 302
    )
    # A delegation without its department is refused with the field's error.
    refused = admin.post(
        url,
        {
            "do": "add_line",
            "line-action": "grant",
            "line-item": catalog["T-SL-001"].pk,
            "line-towns": [cast.town_b.pk],
            "line-kind": "delegated",
            "line-scope": "",
        },
    )
    assert refused.status_code == 400
    assert (
        admin.post(
            url,
            {
                "do": "add_line",
                "line-action": "grant",
                "line-item": catalog["T-SL-001"].pk,
                "line-towns": [cast.town_b.pk],
                "line-kind": "delegated",
                "line-delegating_department": cast.department.pk,
                "line-scope": "岸线巡查",
                "line-valid_to": "2026-12-31",
            },
        ).status_code
        == 302
    )
    assert adjustment.lines.count() == 2
    page = admin.get(url).content.decode()
    assert 'data-testid="approve"' in page
    assert admin.post(url, {"do": "approve", "decision-note": "同意"}).status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.APPROVED and adjustment.decided_by == cast.admin
    assert not who_enforces(catalog["T-XF-001"], cast.town_a, dt.date(2025, 7, 1)).town_holds
    delegated = who_enforces(catalog["T-SL-001"], cast.town_b, dt.date(2025, 7, 1))
    assert delegated.kind == GrantKind.DELEGATED and delegated.acting_unit == cast.department
    assert (
        AuditEvent.objects.filter(action="authority.adjustment.approve", object_id=str(adjustment.pk)).count()
        == 1
    )
    assert AuditEvent.objects.filter(action="authority.grant.end").count() == 1
    # Approved adjustments are published: any signed-in user reads it, nobody edits it.
    officer_page = client_for(cast.officer_b).get(url)
    assert officer_page.status_code == 200 and 'data-testid="approve"' not in officer_page.content.decode()


@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "reviewer_a", "officer_b", "responder"])
def test_non_administrators_cannot_approve_a_draft(cast, catalog, client_for, who):
    adjustment = _draft(cast, catalog)
    user = getattr(cast, who)
    grants, audit = _grants(), AuditEvent.objects.count()
    url = reverse("authority-adjustment", args=[adjustment.pk])
    # Drafts are not shown to them, so the page is a 404 (missing and forbidden look the same).
    assert client_for(user).post(url, {"do": "approve"}).status_code == 404
    assert (
        client_for(user).post(reverse("api-authority-adjustment-approve", args=[adjustment.pk])).status_code
        == 404
    )
    assert (
        client_for(user)
        .post(
            reverse("authority-adjustment-new"),
            {
                "title": "x",
                "document_number": "y",
                "document_date": "2025-01-01",
                "effective_from": "2025-01-01",
            },
        )
        .status_code
        == 403
    )
    assert (
        client_for(user)
        .post(
            reverse("api-authority-adjustments"),
            {
                "title": "x",
                "document_number": "y",
                "document_date": "2025-01-01",
                "effective_from": "2025-01-01",
            },
        )
        .status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        adjustment_approve(actor=user, adjustment=adjustment)
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.DRAFT and adjustment.decided_by is None
    assert _grants() == grants
    assert AuditEvent.objects.count() == audit
    assert Adjustment.objects.count() == 1


def test_an_administrator_of_another_district_cannot_touch_it(cast, catalog, client_for):
    adjustment = _draft(cast, catalog)
    other_admin = make_user(make_unit(make_district(), "district_office"), ["district_admin"])
    grants, audit = _grants(), AuditEvent.objects.count()
    assert (
        client_for(other_admin)
        .post(reverse("api-authority-adjustment-approve", args=[adjustment.pk]))
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        adjustment_approve(actor=other_admin, adjustment=adjustment)
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.DRAFT
    assert _grants() == grants and AuditEvent.objects.count() == audit


def test_non_administrators_cannot_decide_an_already_published_adjustment(cast, catalog, client_for):
    from .conftest import approve_adjustment

    adjustment = approve_adjustment(cast, catalog)
    audit = AuditEvent.objects.count()
    response = client_for(cast.supervisor_a).post(
        reverse("api-authority-adjustment-reject", args=[adjustment.pk]), {"note": "不同意"}
    )
    assert response.status_code == 403
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.APPROVED and AuditEvent.objects.count() == audit


def test_a_line_that_cannot_apply_is_refused(cast, catalog):
    adjustment = _draft(cast, catalog)
    audit = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="does not hold"):
        adjustment_line_add(
            actor=cast.admin,
            adjustment=adjustment,
            action=AdjustmentLine.Action.RECOVER,
            item=catalog["T-SL-001"],
            towns=[cast.town_a],
        )
    with pytest.raises(ValidationError, match="already holds"):
        adjustment_line_add(
            actor=cast.admin,
            adjustment=adjustment,
            action=AdjustmentLine.Action.GRANT,
            item=catalog["T-CG-001"],
            towns=[cast.town_a],
            kind=GrantKind.STATUTORY,
        )
    with pytest.raises(ValidationError, match="already in this adjustment"):
        adjustment_line_add(
            actor=cast.admin,
            adjustment=adjustment,
            action=AdjustmentLine.Action.RECOVER,
            item=catalog["T-XF-001"],
            towns=[cast.town_a],
        )
    assert adjustment.lines.count() == 2 and AuditEvent.objects.count() == audit


def test_approval_is_refused_when_the_list_changed_meanwhile_and_nothing_applies(cast, catalog):
    adjustment = _draft(cast, catalog)
    # Another adjustment recovers the same item from town B first.
    other = adjustment_create(
        actor=cast.admin,
        district=cast.district,
        title="先行收回",
        document_number="测府发〔2025〕4号",
        document_date=dt.date(2025, 5, 1),
        effective_from=dt.date(2025, 5, 1),
    )
    adjustment_line_add(
        actor=cast.admin,
        adjustment=other,
        action=AdjustmentLine.Action.RECOVER,
        item=catalog["T-XF-001"],
        towns=[cast.town_b],
    )
    adjustment_approve(actor=cast.admin, adjustment=other)
    grants, audit = _grants(), AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="does not hold"):
        adjustment_approve(actor=cast.admin, adjustment=adjustment)
    adjustment.refresh_from_db()
    assert (
        adjustment.status == Adjustment.Status.DRAFT
        and _grants() == grants
        and AuditEvent.objects.count() == audit
    )


def test_approve_twice_and_reject_without_reason(cast, catalog):
    adjustment = _draft(cast, catalog)
    with pytest.raises(ValidationError):
        from authority.services import adjustment_reject

        adjustment_reject(actor=cast.admin, adjustment=adjustment, note="  ")
    adjustment_approve(actor=cast.admin, adjustment=adjustment)
    audit = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="already decided"):
        adjustment_approve(actor=cast.admin, adjustment=adjustment)
    assert AuditEvent.objects.count() == audit


def test_api_workflow_for_the_administrator(cast, catalog, client_for):
    api = client_for(cast.admin)
    created = api.post(
        reverse("api-authority-adjustments"),
        {
            "title": "赋权",
            "document_number": "测府发〔2026〕1号",
            "document_date": "2026-01-05",
            "effective_from": "2026-02-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    lines = api.post(
        reverse("api-authority-adjustment-lines", args=[pk]),
        {
            "action": "grant",
            "item": "T-SL-001",
            "towns": [cast.town_a.code, cast.town_b.code],
            "kind": "empowered",
        },
        content_type="application/json",
    )
    assert lines.status_code == 201 and len(lines.json()["lines"]) == 2
    bad = api.post(
        reverse("api-authority-adjustment-lines", args=[pk]),
        {"action": "grant", "item": "NOPE", "towns": [cast.town_a.code]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    line_id = lines.json()["lines"][0]["id"]
    assert api.delete(reverse("api-authority-adjustment-line", args=[pk, line_id])).status_code == 204
    approved = api.post(
        reverse("api-authority-adjustment-approve", args=[pk]),
        {"note": "同意"},
        content_type="application/json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert AuthorityGrant.objects.filter(item=catalog["T-SL-001"], granted_by_id=pk).count() == 1
    again = api.post(
        reverse("api-authority-adjustment-approve", args=[pk]), {}, content_type="application/json"
    )
    assert again.status_code == 400
