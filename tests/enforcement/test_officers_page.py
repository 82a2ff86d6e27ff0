from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.models import AuditEvent, Certificate, Secondment
from tests.factories import make_certificate

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _issue(client, holder, number="NEW-001", **extra):
    data = {
        "action": "certificate",
        "cert-holder": holder.pk,
        "cert-number": number,
        "cert-issuing_body": "重庆市人民政府",
        "cert-valid_from": TODAY.isoformat(),
        "cert-valid_to": (TODAY + dt.timedelta(days=700)).isoformat(),
        "cert-domains": ["city_management"],
    }
    data.update(extra)
    return client.post(reverse("officers"), data)


def test_admin_sees_every_unit_and_issues_a_certificate(cast, client_for):
    client = client_for(cast.admin)
    page = client.get(reverse("officers")).content.decode()
    assert "officer_b" in page and "responder" in page
    response = _issue(client, cast.reviewer_a)
    assert response.status_code == 302
    certificate = Certificate.objects.get(number="NEW-001")
    assert certificate.holder == cast.reviewer_a
    assert AuditEvent.objects.filter(
        action="enforcement.certificate.issue", object_id=str(certificate.pk), actor=cast.admin
    ).exists()


def test_bad_certificate_input_is_a_form_error_and_saves_nothing(cast, client_for):
    client = client_for(cast.admin)
    existing = cast.officer_a.certificates.get().number
    before = (Certificate.objects.count(), AuditEvent.objects.count())
    response = _issue(client, cast.officer_a, number=existing)
    assert response.status_code == 200
    assert "already registered" in response.content.decode() or "已登记" in response.content.decode()
    response = _issue(
        client, cast.officer_a, number="X-2", **{"cert-valid_to": (TODAY - dt.timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 200
    assert (Certificate.objects.count(), AuditEvent.objects.count()) == before


def test_revoke_and_second(cast, client_for):
    client = client_for(cast.admin)
    certificate = cast.officer_a.certificates.get()
    client.post(reverse("officers"), {"action": "revoke", "certificate": certificate.pk})
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    response = client.post(
        reverse("officers"),
        {
            "action": "secondment",
            "sec-officer": cast.responder.pk,
            "sec-town": cast.town_a.pk,
            "sec-kind": "zone",
            "sec-start": TODAY.isoformat(),
            "sec-end": "",
            "sec-document": "测〔2026〕1号",
        },
    )
    assert response.status_code == 302
    assert Secondment.objects.get().town == cast.town_a


@pytest.mark.parametrize("who", ["officer_a", "supervisor_a", "responder", "officer_b"])
def test_only_the_district_admin_manages_officers(cast, client_for, who):
    client = client_for(getattr(cast, who))
    before = (Certificate.objects.count(), AuditEvent.objects.count())
    assert client.get(reverse("officers")).status_code == 403
    assert _issue(client, getattr(cast, who), number="SELF-1").status_code == 403
    assert (
        client.post(
            reverse("officers"), {"action": "revoke", "certificate": cast.officer_b.certificates.get().pk}
        ).status_code
        == 403
    )
    assert (Certificate.objects.count(), AuditEvent.objects.count()) == before
    assert cast.officer_b.certificates.get().revoked_at is None


def test_admin_of_another_district_cannot_touch_this_one(cast, client_for):
    from enforcement.models import Role, Unit
    from tests.factories import make_district, make_unit, make_user

    other = make_district()
    other_admin = make_user(make_unit(other, Unit.Kind.DISTRICT_OFFICE), [Role.DISTRICT_ADMIN])
    client = client_for(other_admin)
    assert "officer_a" not in client.get(reverse("officers")).content.decode()
    response = client.post(
        reverse("officers"), {"action": "revoke", "certificate": cast.officer_a.certificates.get().pk}
    )
    assert response.status_code == 404
    assert cast.officer_a.certificates.get().revoked_at is None


def test_officers_page_costs_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    from tests.factories import make_unit, make_user

    client = client_for(cast.admin)
    client.get(reverse("officers"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("officers")).status_code == 200
    for _ in range(4):
        make_certificate(make_user(make_unit(cast.district), ["officer"]))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("officers")).status_code == 200
