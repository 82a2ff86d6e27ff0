"""The audit page as people read it (issue 17): sentences with a link to the object, changed fields with their
labels and values, filters by person, object, town and date, the chain's last check, the export, and who sees
which entries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from cases.lifecycle import case_update
from enforcement.audit import audit_record
from enforcement.audit_catalog import require_audit_action
from enforcement.models import AuditCheck

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


def test_an_edit_of_a_case_reads_as_a_sentence_with_labelled_values(cast, client_for, make_case):
    case = make_case(party_name="张三")
    case_update(actor=cast.officer_a, case=case, data={"place": "解放路88号", "party_name": "李四"})
    client = client_for(cast.supervisor_a)
    page = client.get(reverse("audit-list"))
    body = page.content.decode()
    text = _text(page)
    with translation.override("zh-hans"):
        sentence = str(require_audit_action("cases.case.update").sentence) % {
            "actor": cast.officer_a,
            "object": case.number,
        }
    assert " ".join(sentence.split()) in text
    # The object is a link (through the audit page's redirect to the case page).
    link = reverse("audit-object", args=["cases.case", case.pk])
    assert f'href="{link}"' in body
    assert client.get(link).url == case.get_absolute_url()
    # Fields by their verbose names, values as shown, the old one beside the new one; no repr, no None.
    assert "解放路88号" in text and "李四" in text and "张三" in text
    assert "{'" not in body and "None" not in text
    english = _text(client.get(reverse("audit-list"), {"lang": "en"}))
    assert f"edited the case {case.number}" in english


def test_the_page_filters_by_case_person_town_and_date(cast, client_for, make_case):
    one, other = make_case(), make_case()
    case_update(actor=cast.officer_a, case=one, data={"place": "一号地点"})
    case_update(actor=cast.officer_a2, case=other, data={"place": "二号地点"})
    client = client_for(cast.supervisor_a)
    both = _text(client.get(reverse("audit-list")))
    assert "一号地点" in both and "二号地点" in both
    by_case = _text(client.get(reverse("audit-list"), {"object": f"cases.case:{one.pk}"}))
    assert "一号地点" in by_case and "二号地点" not in by_case
    by_number = _text(client.get(reverse("audit-list"), {"object": other.number}))
    assert "二号地点" in by_number and "一号地点" not in by_number
    by_person = _text(client.get(reverse("audit-list"), {"actor": cast.officer_a2.pk}))
    assert "二号地点" in by_person and "一号地点" not in by_person
    by_town = _text(client.get(reverse("audit-list"), {"town": cast.town_a.pk}))
    assert "一号地点" in by_town
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    old = _text(client.get(reverse("audit-list"), {"date_from": long_ago, "date_to": long_ago}))
    assert "一号地点" not in old and "二号地点" not in old


def test_the_dates_default_to_the_last_30_days_and_a_reversed_range_is_an_error(cast, client_for):
    client = client_for(cast.supervisor_a)
    body = client.get(reverse("audit-list")).content.decode()
    today = timezone.localdate()
    assert f'value="{today - dt.timedelta(days=30)}"' in body and f'value="{today}"' in body
    bad = client.get(reverse("audit-list"), {"date_from": today, "date_to": today - dt.timedelta(days=1)})
    assert bad.status_code == 200
    assert "结束日期早于开始日期" in bad.content.decode()
    garbage = client.get(reverse("audit-list"), {"date_from": "not-a-date", "actor": "x", "town": "999999"})
    assert garbage.status_code == 200


def test_the_last_check_of_the_chain_is_shown(cast, client_for):
    client = client_for(cast.admin)
    assert "尚未核验" in _text(client.get(reverse("audit-list")))
    AuditCheck.objects.create(rows=12, ok=False, first_break="row seq=7 (id=9): row edited")
    text = _text(client.get(reverse("audit-list")))
    assert "链条已断" in text and "row seq=7" in text


def test_the_filtered_view_exports_as_csv_and_xlsx(cast, client_for, make_case):
    case = make_case()
    case_update(actor=cast.officer_a, case=case, data={"place": "导出地点"})
    client = client_for(cast.supervisor_a)
    response = client.get(reverse("audit-list"), {"object": f"cases.case:{case.pk}", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == 2
    assert "导出地点" in rows[1][9] and case.number in rows[1][5]
    xlsx = client.get(reverse("audit-list"), {"export": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_a_supervisor_sees_only_the_towns_they_work_for(cast, client_for):
    with transaction.atomic():
        audit_record(
            actor=cast.officer_b, action="enforcement.unit.create", obj=cast.town_b, town=cast.town_b
        )
        audit_record(
            actor=cast.officer_a, action="enforcement.unit.create", obj=cast.town_a, town=cast.town_a
        )
    client = client_for(cast.supervisor_a)
    text = _text(client.get(reverse("audit-list")))
    assert cast.town_a.name_zh in text
    assert str(cast.officer_b) not in text
    # Town B is not among the choices: asking for it is a form error that shows nothing, not B's rows.
    asked = _text(client.get(reverse("audit-list"), {"town": cast.town_b.pk}))
    assert str(cast.officer_b) not in asked
    by_person = _text(client.get(reverse("audit-list"), {"actor": cast.officer_b.pk}))
    assert str(cast.officer_b) not in by_person
    # The link to an object outside the reader's rows is a 404; officers and responders have no audit page.
    assert client.get(reverse("audit-object", args=["enforcement.unit", cast.town_b.pk])).status_code == 404
    assert client_for(cast.officer_a).get(reverse("audit-list")).status_code == 403
    assert client_for(cast.responder).get(reverse("audit-list"), {"export": "csv"}).status_code == 403
