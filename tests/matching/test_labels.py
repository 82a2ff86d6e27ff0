"""Officers' labels on complaints (issue 15): confirm or correct the engine on the complaint page and the API,
one service writing the label with what the engine had suggested, and the labels as labelled data for
match_eval (--from-labels, and the export it reads back)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from authority.matching.evaluate import read_examples
from cases.complaints import complaints_import, complaints_match
from cases.labels import complaint_label
from cases.models import Complaint, ComplaintLabel
from cases.selectors import labelled_examples
from enforcement.models import AuditEvent

pytestmark = pytest.mark.django_db

EBIKE = "我们楼道里天天有人给电瓶车充电"
TWO = "夜市有人占道摆摊，旁边工地半夜还在打桩"
LOAN = "邻居借了两万块钱不还"


def matched(cast, text: str, **row) -> Complaint:
    report = complaints_import(actor=cast.officer_a, town=cast.town_a, rows=[{"text": text, **row}])
    complaints_match(ids=report.created)
    return Complaint.objects.get(pk=report.created[0])


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def label_audits() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="cases.complaint.label").order_by("pk"))


# --- the service --------------------------------------------------------------------------------------------
def test_confirming_the_first_suggestion_keeps_what_the_engine_said(cast, catalog):
    complaint = matched(cast, EBIKE)
    assert complaint.match_result["candidates"][0]["code"] == "T-EBIKE"
    label = complaint_label(actor=cast.officer_a, complaint=complaint, codes=["T-EBIKE"])
    assert label.verdict == "items" and label.codes == ["T-EBIKE"]
    assert label.suggested[0] == "T-EBIKE" and len(label.suggested) <= 3
    assert label.matcher_version == complaint.matcher_version and label.matcher_version
    assert label.lang == "zh" and label.agrees_at_top1
    assert label.labelled_by == cast.officer_a and label.town == cast.town_a
    (audit,) = label_audits()
    assert audit.actor == cast.officer_a and audit.object_id == str(complaint.pk)
    assert audit.after["codes"] == ["T-EBIKE"] and audit.after["matcher_version"] == complaint.matcher_version


def test_correcting_to_an_item_the_engine_did_not_suggest(cast, catalog):
    complaint = matched(cast, EBIKE)
    label = complaint_label(actor=cast.supervisor_a, complaint=complaint, codes=["T-FUME"])
    assert label.codes == ["T-FUME"] and "T-FUME" not in label.suggested
    assert not label.agrees_at_top1


def test_no_violation_in_our_list_needs_a_reason(cast, catalog):
    complaint = matched(cast, LOAN)
    assert complaint.match_status == "no_match"
    with pytest.raises(ValidationError):
        complaint_label(actor=cast.officer_a, complaint=complaint, none_reason="bored")
    with pytest.raises(ValidationError):
        complaint_label(actor=cast.officer_a, complaint=complaint, codes=["T-FUME"], none_reason="other_body")
    with pytest.raises(ValidationError):
        complaint_label(actor=cast.officer_a, complaint=complaint)
    assert not ComplaintLabel.objects.exists() and not label_audits()
    label = complaint_label(actor=cast.officer_a, complaint=complaint, none_reason="not_violation")
    assert label.verdict == "none" and label.codes == [] and label.none_reason == "not_violation"
    assert label.suggested == [] and label.agrees_at_top1  # the engine said "no match", rightly


def test_two_conducts_two_items_and_never_three(cast, catalog):
    complaint = matched(cast, TWO)
    label = complaint_label(actor=cast.officer_a, complaint=complaint, codes=["T-STALL", "T-NIGHT"])
    assert label.codes == ["T-STALL", "T-NIGHT"]
    with pytest.raises(ValidationError):
        complaint_label(actor=cast.officer_a, complaint=complaint, codes=["T-STALL", "T-NIGHT", "T-FUME"])
    with pytest.raises(ValidationError):
        complaint_label(actor=cast.officer_a, complaint=complaint, codes=["NOT-AN-ITEM"])
    label.refresh_from_db()
    assert label.codes == ["T-STALL", "T-NIGHT"] and len(label_audits()) == 1


def test_labelling_again_replaces_the_label_and_the_audit_keeps_the_first(cast, catalog):
    complaint = matched(cast, EBIKE)
    complaint_label(actor=cast.officer_a, complaint=complaint, codes=["T-EXIT"])
    complaint_label(actor=cast.officer_a2, complaint=complaint, codes=["T-EBIKE"])
    label = ComplaintLabel.objects.get()
    assert label.codes == ["T-EBIKE"] and label.labelled_by == cast.officer_a2
    first, second = label_audits()
    assert first.before is None or first.before == {}
    assert second.before["codes"] == ["T-EXIT"] and second.before["labelled_by"] == "officer_a"
    assert second.after["codes"] == ["T-EBIKE"]


@pytest.mark.parametrize("who", ["officer_b", "responder", "reviewer_a"])
def test_only_the_towns_officers_label(cast, catalog, who):
    complaint = matched(cast, EBIKE)
    audit = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        complaint_label(actor=getattr(cast, who), complaint=complaint, codes=["T-EBIKE"])
    assert not ComplaintLabel.objects.exists() and AuditEvent.objects.count() == audit


# --- the page -----------------------------------------------------------------------------------------------
def test_the_page_shows_the_suggestions_in_words_and_saves_a_confirmation(cast, catalog, client_for):
    complaint = matched(cast, EBIKE)
    page = client_for(cast.officer_a).get(f"/complaints/{complaint.pk}/?lang=en")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="pick"' in html and 'value="T-EBIKE"' in html
    assert "confidence" in html and 'data-testid="label-none"' in html
    assert f"{complaint.match_result['candidates'][0]['score']:.2f}" not in html  # words, not the raw score
    response = client_for(cast.officer_a).post(
        f"/complaints/{complaint.pk}/label/", {"verdict": "items", "codes": ["T-EBIKE"]}
    )
    assert response.status_code == 302
    assert ComplaintLabel.objects.get().codes == ["T-EBIKE"]
    html = client_for(cast.officer_a).get(f"/complaints/{complaint.pk}/?lang=en").content.decode()
    assert 'data-testid="label-current"' in html and "first suggestion agreed" in html


def test_the_page_refuses_bad_input_with_a_message(cast, catalog, client_for):
    complaint = matched(cast, EBIKE)
    client = client_for(cast.officer_a)
    response = client.post(f"/complaints/{complaint.pk}/label/?lang=en", {"verdict": "items"})
    assert response.status_code == 400 and "Choose the item" in response.content.decode()
    response = client.post(f"/complaints/{complaint.pk}/label/?lang=en", {"verdict": "none"})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert not ComplaintLabel.objects.exists()


def test_the_page_denies_outsiders_with_nothing_written(cast, catalog, client_for):
    complaint = matched(cast, EBIKE)
    audit = AuditEvent.objects.count()
    for user, status in [(cast.officer_b, 404), (cast.responder, 404), (cast.reviewer_a, 403)]:
        response = client_for(user).post(
            f"/complaints/{complaint.pk}/label/", {"verdict": "items", "codes": ["T-EBIKE"]}
        )
        assert response.status_code == status, user
        assert client_for(user).get(f"/complaints/{complaint.pk}/items/?q=油烟").status_code == status
    assert not ComplaintLabel.objects.exists() and AuditEvent.objects.count() == audit


def test_the_item_search_uses_the_engine_and_the_names(cast, catalog, client_for):
    complaint = matched(cast, EBIKE)
    client = client_for(cast.officer_a)
    html = client.get(f"/complaints/{complaint.pk}/items/?q=餐馆油烟直接排放").content.decode()
    assert 'value="T-FUME"' in html and '<mark class="term">' in html  # the engine's reading, with its words
    html = client.get(f"/complaints/{complaint.pk}/items/?q=T-FOO").content.decode()
    assert 'value="T-FOOD"' in html  # a code typed
    html = client.get(f"/complaints/{complaint.pk}/items/?q=T-FOO&codes=T-EXIT").content.decode()
    assert html.index('value="T-EXIT"') < html.index('value="T-FOOD"') and "checked" in html
    html = client.get(f"/complaints/{complaint.pk}/items/?q=zzzz&lang=en").content.decode()
    assert "No item of the district" in html
    # without JavaScript the page itself answers the search
    html = client.get(f"/complaints/{complaint.pk}/?q=T-FOO").content.decode()
    assert 'value="T-FOOD"' in html


# --- the API ------------------------------------------------------------------------------------------------
def test_the_api_labels_with_the_same_service(cast, catalog):
    complaint = matched(cast, TWO)
    response = api(cast.officer_a).post(
        f"/api/complaints/{complaint.pk}/label/", {"codes": ["T-STALL", "T-NIGHT"]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "items" and body["codes"] == ["T-STALL", "T-NIGHT"]
    assert body["matcher_version"] == complaint.matcher_version and body["labelled_by"] == "officer_a"
    assert set(body["suggested"][:3]) >= {"T-STALL", "T-NIGHT"} and body["agrees_at_top1"]
    detail = api(cast.officer_a).get(f"/api/complaints/{complaint.pk}/").json()
    assert detail["label"]["codes"] == ["T-STALL", "T-NIGHT"]
    response = api(cast.officer_a).post(
        f"/api/complaints/{complaint.pk}/label/", {"none_reason": "other_body"}, format="json"
    )
    assert response.status_code == 200 and response.json()["verdict"] == "none"
    assert len(label_audits()) == 2


def test_the_api_refuses_bad_input_and_outsiders(cast, catalog):
    complaint = matched(cast, EBIKE)
    url = f"/api/complaints/{complaint.pk}/label/?lang=en"
    bad = api(cast.officer_a).post(url, {}, format="json")
    assert bad.status_code == 400 and "Choose the item" in json.dumps(bad.json())
    bad = api(cast.officer_a).post(url, {"codes": ["NOPE"]}, format="json")
    assert bad.status_code == 400 and "NOPE" in json.dumps(bad.json())
    bad = api(cast.officer_a).post(url, {"codes": ["T-FUME"], "none_reason": "other_body"}, format="json")
    assert bad.status_code == 400
    for user, status in [(cast.officer_b, 404), (cast.responder, 404), (cast.reviewer_a, 403)]:
        assert api(user).post(url, {"codes": ["T-EBIKE"]}, format="json").status_code == status
    assert not ComplaintLabel.objects.exists() and not label_audits()


# --- labelled data: match_eval --from-labels and the export -------------------------------------------------
def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def labelled_world(cast, catalog):
    """Five labelled complaints in the period and one before it. The engine puts T-EBIKE first for the
    e-bike complaint; the officer who labelled one of them said T-EXIT, so top-1 is 3 of 4 right."""
    now = timezone.now()
    rows = [
        (EBIKE, ["T-EBIKE"], "", 3),
        ("楼道里停满电瓶车，还在充电", ["T-EXIT"], "", 4),  # the officer disagrees with the engine
        ("Someone keeps blocking the fire exit of the mall", ["T-EXIT"], "", 5),
        (TWO, ["T-STALL", "T-NIGHT"], "", 6),
        (LOAN, [], "not_violation", 7),
        (EBIKE + "，上个季度的事", ["T-EBIKE"], "", 80),  # before the period
    ]
    for n, (text, codes, reason, days) in enumerate(rows):
        complaint = matched(cast, text, external_id=f"T-{n}", received_at=now - dt.timedelta(days=days))
        complaint_label(actor=cast.officer_a, complaint=complaint, codes=codes, none_reason=reason)
    return {
        "district": cast.district.code,
        "since": (now - dt.timedelta(days=30)).date().isoformat(),
        "until": (now + dt.timedelta(days=1)).date().isoformat(),
    }


def test_match_eval_runs_on_the_labels_of_a_period(labelled_world):
    w = labelled_world
    body = json.loads(
        run(
            "match_eval",
            from_labels=True,
            district=w["district"],
            since=w["since"],
            until=w["until"],
            json=True,
            confusions=True,
        )
    )
    assert body["all"]["n"] == 5 and body["all"]["with_items"] == 4 and body["all"]["no_item"] == 1
    assert body["all"]["top1"] == 0.75
    assert body["all"]["no_match_accuracy"] == 1.0 and body["all"]["false_no_match"] == 0.0
    assert body["en"]["n"] == 1 and body["en"]["top1"] == 1.0
    assert ["T-EXIT", "T-EBIKE", 1] in body["confusions"]
    table = run(
        "match_eval", "--from-labels", f"--district={w['district']}", f"--since={w['since']}", "--confusions"
    )
    assert f"labels of district {w['district']}" in table and "top-1" in table
    assert "T-EXIT" in table and "per cluster" in table
    everything = json.loads(run("match_eval", from_labels=True, district=w["district"], json=True))
    assert everything["all"]["n"] == 6


def test_match_eval_from_labels_refuses_what_it_cannot_do(labelled_world):
    w = labelled_world
    with pytest.raises(CommandError, match="no labelled complaints"):
        run("match_eval", from_labels=True, district=w["district"], since="2001-01-01", until="2001-02-01")
    with pytest.raises(CommandError, match="before"):
        run("match_eval", from_labels=True, district=w["district"], since=w["until"], until=w["since"])
    with pytest.raises(CommandError, match="give a labelled file"):
        run("match_eval", district=w["district"])


def test_the_export_reads_back_into_match_eval_with_the_same_figures(labelled_world, tmp_path):
    w = labelled_world
    path = tmp_path / "labels.csv"
    run(
        "complaint_labels_export",
        district=w["district"],
        since=w["since"],
        until=w["until"],
        output=str(path),
    )
    examples = read_examples(path)
    assert [e.expected for e in examples] == [  # oldest first
        (),
        ("T-STALL", "T-NIGHT"),
        ("T-EXIT",),
        ("T-EXIT",),
        ("T-EBIKE",),
    ]
    assert [e.lang for e in examples] == ["zh", "zh", "en", "zh", "zh"]
    assert [e.id for e in examples] == ["T-4", "T-3", "T-2", "T-1", "T-0"]
    from enforcement.models import District

    district = District.objects.get(code=w["district"])
    since, until = dt.date.fromisoformat(w["since"]), dt.date.fromisoformat(w["until"])
    assert examples == labelled_examples(district.pk, since, until)
    from_file = json.loads(run("match_eval", str(path), district=w["district"], json=True))
    from_labels = json.loads(
        run(
            "match_eval",
            from_labels=True,
            district=w["district"],
            since=w["since"],
            until=w["until"],
            json=True,
        )
    )
    assert from_file == from_labels
    assert run("complaint_labels_export", district=w["district"]).count("\n") == 7  # header and six rows


def test_the_supervisors_page_says_how_the_matching_did(labelled_world, cast, client_for, tmp_path):
    from cases.selectors import label_figures

    figures = label_figures(user=cast.supervisor_a)
    assert sum(m.labelled for m in figures.months) == 6
    assert sum(m.with_items for m in figures.months) == 5
    assert sum(m.top1 for m in figures.months) == 4  # the officer who said T-EXIT for an e-bike
    assert sum(m.none_right for m in figures.months) == 1
    (confusion,) = figures.confusions
    assert confusion[0] == "T-EXIT" and confusion[2] == "T-EBIKE" and confusion[4] == 1
    assert confusion[1] and confusion[3]  # with the items' names
    assert label_figures(user=cast.officer_b).months == []  # another town's labels are not counted
    page = client_for(cast.supervisor_a).get("/complaints/labels/?lang=en")
    assert page.status_code == 200 and 'data-testid="label-months"' in page.content.decode()
    assert "T-EXIT" in page.content.decode()
    for user in (cast.officer_a, cast.responder, cast.reviewer_a):
        assert client_for(user).get("/complaints/labels/").status_code == 403
    export = client_for(cast.supervisor_a).get("/complaints/labels/?export=csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    path = tmp_path / "page.csv"
    path.write_bytes(export.content)
    assert len(read_examples(path)) == 6
