"""Capture on site (issue 17, the field kit): photos kept as received with their hash, a stamped copy with its
own hash, the device's place and clock on every file; bad input refused in the user's language; other towns
and other roles refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import evidence as ev
from cases.capture import Capture, capture_from
from cases.evidence import evidence_capture, evidence_verify
from cases.models import Evidence
from enforcement.models import AuditEvent
from tests.hostile_files import jpeg

pytestmark = pytest.mark.django_db

HERE = Capture(Decimal("29.550000"), Decimal("106.550000"), 12, None)
FIELDS = {"latitude": "29.55", "longitude": "106.55", "accuracy": "12", "device_time": "2026-12-06T08:30:00Z"}


def photo(seed: int = 0, size: tuple[int, int] = (320, 240)) -> bytes:
    """A JPEG with no EXIF time, its pixels made different by `seed`."""
    image = Image.new("RGB", size, (40 + seed * 50 % 200, 120, 90))
    image.putpixel((seed % size[0], 0), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def wav() -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x01" * 800)
    return out.getvalue()


def up(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def state(case) -> tuple[int, int, int]:
    return Evidence.objects.filter(case=case).count(), AuditEvent.objects.count(), len(stored_files())


# --- the service --------------------------------------------------------------------------------------------


def test_photos_keep_the_original_and_get_a_stamped_copy_with_the_place(cast, make_case):
    case = make_case("investigating")
    sent = [photo(1), photo(2)]
    device_time = timezone.now() - dt.timedelta(minutes=1)
    rows = evidence_capture(
        actor=cast.officer_a,
        case=case,
        uploads=[up("a.jpg", sent[0]), up("b.jpg", sent[1])],
        caption="门前货架",
        capture=Capture(HERE.latitude, HERE.longitude, 12, device_time),
    )
    assert len(rows) == 2
    for row, data in zip(rows, sent, strict=True):
        row.refresh_from_db()
        original = read(row.original_file)
        assert original == data  # exactly as received
        assert row.original_sha256 == hashlib.sha256(data).hexdigest()
        stamped = read(row.stamped_file)
        assert stamped != data and stamped != read(row.file)
        assert row.stamped_sha256 == hashlib.sha256(stamped).hexdigest() != row.original_sha256
        with Image.open(io.BytesIO(stamped)) as image:
            assert image.format == "JPEG" and image.width == 320 and image.height > 240  # a band below
        assert (row.latitude, row.longitude, row.accuracy_m) == (
            Decimal("29.550000"),
            Decimal("106.550000"),
            12,
        )
        assert row.location_source == "device" and row.device_time == device_time
        assert row.taken_at == device_time  # no EXIF time: the phone's clock
        assert evidence_verify(row)
    audits = AuditEvent.objects.filter(action="cases.evidence.add").order_by("pk")
    assert audits.count() == 2
    assert audits[0].after["latitude"] == "29.550000" and audits[0].after["accuracy_m"] == 12
    assert audits[0].after["stamped_sha256"] == rows[0].stamped_sha256


def test_the_cameras_own_time_wins_and_no_location_is_marked(cast, make_case):
    case = make_case("investigating")
    device_time = timezone.now()
    row = evidence_capture(
        actor=cast.officer_a,
        case=case,
        uploads=[up("x.jpg", jpeg())],
        capture=Capture(device_time=device_time),
    )[0]
    assert row.location_source == "none" and row.latitude is None and row.accuracy_m is None
    assert timezone.localtime(row.taken_at).strftime("%Y-%m-%d %H:%M") == "2026-11-30 09:15"  # EXIF
    assert row.device_time == device_time and row.stamped_sha256


def test_video_and_sound_keep_place_and_time_without_a_stamp(cast, make_case):
    case = make_case("investigating")
    data = wav()
    row = evidence_capture(actor=cast.officer_a, case=case, uploads=[up("r.wav", data)], capture=HERE)[0]
    assert row.kind == "audio" and not row.stamped_file and not row.original_file
    assert read(row.file) == data and row.sha256 == row.original_sha256 == hashlib.sha256(data).hexdigest()
    assert row.latitude == Decimal("29.550000") and row.location_source == "device"


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"latitude": "91", "longitude": "106.5"}, "latitude"),
        ({"latitude": "-90.5", "longitude": "106.5"}, "latitude"),
        ({"latitude": "29.5", "longitude": "180.01"}, "longitude"),
        ({"latitude": "29.5", "longitude": "-181"}, "longitude"),
        ({"latitude": "29.5"}, "latitude"),
        ({"longitude": "106.5"}, "latitude"),
        ({"latitude": "north", "longitude": "106.5"}, "latitude"),
        ({"latitude": "NaN", "longitude": "106.5"}, "latitude"),
        ({"latitude": "29.5", "longitude": "Infinity"}, "longitude"),
        ({"latitude": "29.5", "longitude": "106.5", "accuracy": "-3"}, "accuracy"),
        ({"latitude": "29.5", "longitude": "106.5", "accuracy": "far"}, "accuracy"),
        ({"device_time": "yesterday"}, "device_time"),
        ({"device_time": "1970-01-01T00:00:00Z"}, "device_time"),
    ],
)
def test_bad_capture_fields_are_refused(fields, key):
    with pytest.raises(ValidationError) as refused:
        capture_from(fields)
    assert key in refused.value.message_dict


def test_good_capture_fields():
    got = capture_from({**FIELDS, "accuracy": "11.2"})
    assert (got.latitude, got.longitude, got.accuracy_m) == (Decimal("29.550000"), Decimal("106.550000"), 12)
    assert got.device_time == dt.datetime(2026, 12, 6, 8, 30, tzinfo=dt.UTC)
    assert capture_from({}) == Capture()


@pytest.mark.parametrize("who", ["officer_b", "responder", "reviewer_a"])
def test_others_may_not_capture(cast, make_case, who):
    case = make_case("investigating")
    before = state(case)
    with pytest.raises(PermissionDenied):
        evidence_capture(actor=getattr(cast, who), case=case, uploads=[up("a.jpg", photo())], capture=HERE)
    assert state(case) == before


def test_one_bad_file_refuses_the_whole_batch(cast, make_case):
    case = make_case("investigating")
    before = state(case)
    with pytest.raises(ValidationError):
        evidence_capture(
            actor=cast.officer_a,
            case=case,
            uploads=[up("a.jpg", photo(1)), up("b.jpg", photo(2)), up("c.jpg", b"not a photo at all")],
            capture=HERE,
        )
    assert state(case) == before


def test_a_failure_while_storing_leaves_no_row_and_no_file(cast, make_case, monkeypatch):
    case = make_case("investigating")
    before = state(case)
    calls = iter(range(10))

    def stamp_then_fail(data, lines):
        if next(calls) == 1:
            raise OSError("disk full")
        return photo(9)

    monkeypatch.setattr(ev, "stamp_image", stamp_then_fail)
    with pytest.raises(ValidationError):
        evidence_capture(
            actor=cast.officer_a,
            case=case,
            uploads=[up("a.jpg", photo(1)), up("b.jpg", photo(2))],
            capture=HERE,
        )
    assert state(case) == before


def test_a_changed_stamped_copy_is_found(cast, make_case):
    case = make_case("investigating")
    row = evidence_capture(actor=cast.officer_a, case=case, uploads=[up("a.jpg", photo())], capture=HERE)[0]
    Path(row.stamped_file.path).write_bytes(photo(5))
    assert not evidence_verify(row)


# --- the page -----------------------------------------------------------------------------------------------


def test_the_page_captures_and_the_case_shows_stamped_copies(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    url = reverse("cases:case-capture", args=[case.pk])
    page = client.get(url + "?lang=en").content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "cases/capture.js" in page
    sent = photo(3)
    response = client.post(
        url, {**FIELDS, "caption": "货架", "files": [up("a.jpg", sent), up("b.jpg", photo(4))]}
    )
    assert response.status_code == 302 and response["Location"].endswith("#evidence")
    rows = list(Evidence.objects.filter(case=case).order_by("pk"))
    assert len(rows) == 2 and all(r.stamped_file for r in rows)
    text = client.get(case.get_absolute_url() + "?lang=en").content.decode()
    assert text.count('data-testid="evidence-stamped"') == 2
    assert "29.550000° N, 106.550000° E, within about 12 m" in text
    assert rows[0].original_sha256 in text and rows[0].stamped_sha256 in text
    assert reverse("cases:case-capture", args=[case.pk]) in text  # one tap from the case
    zh = client.get(case.get_absolute_url() + "?lang=zh-hans").content.decode()
    assert "北纬29.550000°，东经106.550000°，误差约 12 米" in zh
    file_url = reverse("cases:evidence-file", args=[case.pk, rows[0].pk])
    original = client.get(file_url + "?copy=original")
    assert original.status_code == 200 and b"".join(original.streaming_content) == sent
    assert original["Content-Disposition"].startswith("attachment")
    assert original["X-Evidence-SHA256"] == hashlib.sha256(sent).hexdigest()
    stamped = client.get(file_url + "?copy=stamped")
    assert stamped["Content-Type"] == "image/jpeg" and stamped["X-Evidence-SHA256"] == rows[0].stamped_sha256
    assert client.get(file_url + "?copy=other").status_code == 404


@pytest.mark.parametrize(
    ("fields", "files", "words_en", "words_zh"),
    [
        ({"latitude": "95", "longitude": "106.5"}, 1, "latitude must be between -90 and 90", "纬度"),
        ({}, 0, "Choose at least one file", "请至少选择一个文件"),
        ({}, -1, "is not a photo, video, audio or PDF file", "不是照片、视频、录音或 PDF 文件"),
    ],
)
def test_bad_input_on_the_page_is_a_400_in_the_users_language(
    cast, make_case, client_for, fields, files, words_en, words_zh
):
    case = make_case("investigating")
    before = state(case)
    url = reverse("cases:case-capture", args=[case.pk])
    client = client_for(cast.officer_a)
    for lang, words in (("en", words_en), ("zh-hans", words_zh)):
        uploads = [up("a.jpg", photo())] if files == 1 else [up("a.jpg", b"<html>")] if files == -1 else []
        response = client.post(f"{url}?lang={lang}", {**fields, "files": uploads})
        assert response.status_code == 400
        assert words in response.content.decode(), response.content.decode()[-2000:]
    assert state(case) == before


def test_a_too_large_photo_is_refused(cast, make_case, client_for, monkeypatch):
    monkeypatch.setattr(ev, "PHOTO_MAX_BYTES", 1000)
    case = make_case("investigating")
    response = client_for(cast.officer_a).post(
        reverse("cases:case-capture", args=[case.pk]) + "?lang=en", {"files": [up("a.jpg", photo())]}
    )
    assert response.status_code == 400 and "is too large" in response.content.decode()
    assert not Evidence.objects.filter(case=case).exists()


@pytest.mark.parametrize(("who", "status"), [("officer_b", 404), ("responder", 404), ("reviewer_a", 403)])
def test_the_page_refuses_others(cast, make_case, client_for, who, status):
    case = make_case("investigating")
    before = state(case)
    client = client_for(getattr(cast, who))
    url = reverse("cases:case-capture", args=[case.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {**FIELDS, "files": [up("a.jpg", photo())]}).status_code == status
    assert state(case) == before


def test_the_bottom_bar_leads_to_my_open_cases(cast, make_case, client_for):
    mine = make_case("investigating")
    theirs = make_case("investigating", town=cast.town_b, officers=[cast.officer_b])
    page = client_for(cast.officer_a).get(reverse("cases:capture-start")).content.decode()
    assert reverse("cases:case-capture", args=[mine.pk]) in page
    assert reverse("cases:case-capture", args=[theirs.pk]) not in page
    home = client_for(cast.officer_a).get(reverse("home")).content.decode()
    assert reverse("cases:capture-start") in home


# --- the API ------------------------------------------------------------------------------------------------


def test_the_api_captures_with_the_same_service(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    url = reverse("api-case-evidence", args=[case.pk])
    response = client.post(url, {**FIELDS, "files": [up("a.jpg", photo(1)), up("b.jpg", photo(2))]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert [item["latitude"] for item in body] == ["29.550000", "29.550000"]
    assert body[0]["accuracy_m"] == 12 and body[0]["location_source"] == "device"
    assert body[0]["stamped_sha256"] and body[0]["stamped_sha256"] != body[0]["original_sha256"]
    stamped = client.get(body[0]["stamped_url"])
    assert stamped.status_code == 200
    assert hashlib.sha256(b"".join(stamped.streaming_content)).hexdigest() == body[0]["stamped_sha256"]
    original = client.get(body[0]["original_url"])
    assert hashlib.sha256(b"".join(original.streaming_content)).hexdigest() == body[0]["original_sha256"]
    refused = client.post(
        url + "?lang=en", {"latitude": "29.5", "longitude": "200", "files": [up("c.jpg", photo())]}
    )
    assert refused.status_code == 400 and "longitude" in refused.json()["errors"]
    assert Evidence.objects.filter(case=case).count() == 2
    other = client_for(cast.officer_b).post(url, {**FIELDS, "files": [up("d.jpg", photo())]})
    assert other.status_code == 404


def test_without_a_cjk_font_the_stamp_is_latin(cast, make_case, monkeypatch):
    from cases import capture, stamp

    monkeypatch.setattr(capture, "stamp_speaks_chinese", lambda: False)
    case = make_case("investigating")
    row = Evidence(
        case=case,
        original_sha256="ab" * 32,
        uploaded_at=timezone.now(),
        latitude=Decimal("29.55"),
        longitude=Decimal("-106.55"),
        accuracy_m=8,
    )
    lines = capture.stamp_lines(case=case, actor=cast.officer_a, evidence=row)
    assert all(ord(c) < 0x250 for line in lines for c in line), lines
    assert "29.550000° N, 106.550000° W, within about 8 m" in lines[1]
    assert lines[3].endswith("officer_a") and lines[2] == f"Case #{case.pk}"  # names in Chinese: left out
    monkeypatch.setattr(stamp, "stamp_font", lambda: None)  # no font at all: Pillow's own
    stamp._font.cache_clear()
    try:
        stamped = stamp.stamp_image(photo(), lines)
    finally:
        stamp._font.cache_clear()
    with Image.open(io.BytesIO(stamped)) as image:
        assert image.height > 240


def test_a_capture_sent_again_by_the_outbox_is_stored_once(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    url = reverse("cases:case-capture", args=[case.pk])
    for _ in range(2):
        files = [up("a.jpg", photo(1)), up("b.jpg", photo(2))]
        response = client.post(url, {**FIELDS, "submission_key": "capture-key-0001", "files": files})
        assert response.status_code == 302
    assert Evidence.objects.filter(case=case).count() == 2
    assert AuditEvent.objects.filter(action="cases.evidence.add").count() == 2
