"""The town's raise form: prefilled from GET (item, case, inspection), the department suggested by
who_enforces, photos checked by their content and served only to those who may see the whistle."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from authority.models import AuthorityGrant, EnforcementItem
from enforcement.models import AuditEvent
from enforcement.origins import Origin, register_origin, unregister_origin
from whistles.models import WhistlePhoto, WhistleRequest

from .conftest import photo_upload, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_item(cast, env_department):
    """An item no town holds: the environment department enforces it."""
    return EnforcementItem.objects.create(
        district=cast.district,
        code="T-HJ-007",
        name_zh="对未依法取得排污许可证排放污染物的行政处罚",
        domain="environment",
        default_holder=env_department,
    )


@pytest.fixture
def town_item(cast):
    item = EnforcementItem.objects.create(
        district=cast.district,
        code="T-HJ-001",
        name_zh="对餐饮油烟未经净化排放的行政处罚",
        domain="environment",
    )
    AuthorityGrant.objects.create(
        town=cast.town_a, item=item, kind="empowered", valid_from=timezone.localdate() - dt.timedelta(days=30)
    )
    return item


def form_data(cast, **overrides):
    data = {
        "town": cast.town_a.pk,
        "title": "洗车店污水直排",
        "description": "洗车废水直接排入雨水井",
        "reason": "no_power",
        "urgency": "normal",
        "address": "某路8号",
        "departments": [cast.department.pk],
    }
    data.update(overrides)
    return data


def test_the_item_in_the_link_preselects_the_department_who_enforces_names(
    cast, district_item, env_department, client_for
):
    response = client_for(cast.officer_a).get(
        reverse("whistle-raise"), {"item": district_item.pk, "lang": "en"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["item"] == district_item.pk
    assert form.initial["departments"] == [env_department.pk]
    assert form.initial["reason"] == "no_power"
    html = response.content.decode()
    assert 'data-testid="suggestion"' in html and "Whistle to that department" in html
    assert f'value="{env_department.pk}" id="dept-{env_department.pk}" checked' in html


def test_an_item_the_town_holds_is_flagged_not_suggested(cast, town_item, client_for):
    response = client_for(cast.officer_a).get(reverse("whistle-raise"), {"item": town_item.pk, "lang": "en"})
    assert "departments" not in response.context["form"].initial
    assert "may act on this item itself" in response.content.decode()


def test_htmx_suggestion_keeps_ticked_departments_and_adds_the_suggested_one(
    cast, district_item, env_department, client_for
):
    response = client_for(cast.officer_a).get(
        reverse("whistle-suggest"),
        {"item": district_item.pk, "town": cast.town_a.pk, "departments": [cast.department.pk]},
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="departments-block">')
    assert (
        f'id="dept-{env_department.pk}" checked' in html and f'id="dept-{cast.department.pk}" checked' in html
    )


def test_prefill_from_a_case_and_the_origin_hook(cast, client_for):
    from cases.integrations import resolve_case

    client = client_for(cast.officer_a)
    unregister_origin("case")  # without a resolver the reference is kept as given
    try:
        plain = client.get(
            reverse("whistle-raise"),
            {"case": "42", "title": "案件中发现需部门处理的问题", "address": "某路1号"},
        )
    finally:
        register_origin("case", resolve_case)
    assert plain.context["form"].initial["origin_type"] == "case"
    assert plain.context["form"].initial["origin_id"] == "42"
    assert plain.context["form"].initial["title"] == "案件中发现需部门处理的问题"

    def resolve(user, origin_id):
        if origin_id != "7":
            raise LookupError(origin_id)
        return Origin(
            label="渝中石油路执立〔2026〕7号",
            url="/cases/7/",
            title="无证经营",
            address="石油路1号",
            description="现场发现",
        )

    register_origin("inspection", resolve)
    try:
        hooked = client.get(reverse("whistle-raise"), {"inspection": "7"})
        assert hooked.context["form"].initial["address"] == "石油路1号"
        assert hooked.context["origin"].label == "渝中石油路执立〔2026〕7号"
        response = client.post(
            reverse("whistle-raise"), form_data(cast, origin_type="inspection", origin_id="7")
        )
        assert response.status_code == 302
        whistle = WhistleRequest.objects.get()
        assert (whistle.origin_type, whistle.origin_id, whistle.origin_label) == (
            "inspection",
            "7",
            "渝中石油路执立〔2026〕7号",
        )
        unknown = client.get(reverse("whistle-raise"), {"inspection": "8"})
        assert "origin_type" not in unknown.context["form"].initial
    finally:
        unregister_origin("inspection")


def test_raising_through_the_form_with_photos(cast, client_for, settings):
    data = form_data(cast, latitude="29.556", longitude="106.574")
    data["photos"] = [photo_upload("a.png"), photo_upload("b.jpg", png_bytes(fmt="JPEG"), "image/jpeg")]
    response = client_for(cast.officer_a).post(reverse("whistle-raise"), data)
    whistle = WhistleRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "whistle-detail", args=[whistle.pk]
    )
    assert str(whistle.latitude) == "29.556000"
    photos = list(whistle.photos.order_by("pk"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
    assert photos[0].file.name.startswith("whistles/") and photos[0].file.name.endswith(".png")
    assert (settings.MEDIA_ROOT / photos[0].file.name).exists()

    served = client_for(cast.responder).get(reverse("whistle-photo", args=[photos[1].pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == photos[1].file.open("rb").read()
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("evil.png", b"<script>alert(1)</script>", "image/png"),  # a name and type that lie
        ("doc.pdf", b"%PDF-1.4 not an image", "application/pdf"),
        ("cut.png", png_bytes()[:40], "image/png"),  # truncated
        ("anim.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
    ],
)
def test_uploads_that_are_not_photos_are_refused(cast, client_for, name, data, content_type):
    before = AuditEvent.objects.count()
    payload = form_data(cast)
    payload["photos"] = [photo_upload(name, data, content_type)]
    response = client_for(cast.officer_a).post(reverse("whistle-raise"), payload)
    assert response.status_code == 400
    assert response.context["form"].errors["photos"]
    assert not WhistleRequest.objects.exists() and not WhistlePhoto.objects.exists()
    assert AuditEvent.objects.count() == before


def test_form_errors_are_shown_and_nothing_is_written(cast, client_for):
    response = client_for(cast.officer_a).post(
        reverse("whistle-raise"),
        form_data(cast, departments=[], title="", latitude="30"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"departments", "title", "location"} <= set(errors)  # one coordinate without the other
    assert 'data-testid="error-departments"' in response.content.decode()
    assert not WhistleRequest.objects.exists()


def test_a_town_cannot_raise_for_another_town_through_the_form(cast, client_for):
    response = client_for(cast.officer_b).post(reverse("whistle-raise"), form_data(cast))
    assert response.status_code == 400  # town A is not a choice for town B's officer
    assert not WhistleRequest.objects.exists()
