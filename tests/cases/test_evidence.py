"""Evidence uploads: checked by content, hashed, stored, verified; downloads only for the case's town."""

from __future__ import annotations

import hashlib
import io
import re
import wave
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases import evidence as ev
from cases.evidence import evidence_add, evidence_add_many, evidence_verify, evidence_verify_case, sniff
from cases.models import CaseEvent, Evidence
from enforcement.models import AuditEvent


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "blue").save(out, "JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def iso_bytes(brand: bytes, size: int = 2048) -> bytes:
    """An ISO media file: an `ftyp` box and one `mdat` box filling the rest."""
    ftyp = b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00" + brand + b"isom"
    rest = size - len(ftyp)
    return ftyp + rest.to_bytes(4, "big") + b"mdat" + b"\x00" * (rest - 8)


def mp4_bytes(size: int = 2048) -> bytes:
    return iso_bytes(b"mp42", size)


def wav_bytes() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x01" * 800)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- sniffing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind", "content_type"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo", "image/png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "photo", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "photo", "image/heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "photo", "image/heic"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", "video", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video", "video/quicktime"),
        (b"\x00\x00\x00\x18ftyp3gp4\x00\x00\x00\x00", "video", "video/3gpp"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "audio", "audio/mp4"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00\x00", "audio", "audio/mpeg"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio", "audio/wav"),
        (b"#!AMR\n\x3c", "audio", "audio/amr"),
        (b"%PDF-1.7\n", "pdf", "application/pdf"),
    ],
)
def test_sniff_by_magic_bytes(head, kind, content_type):
    found = sniff(head)
    assert found is not None
    assert (found.kind, found.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    "head",
    [
        b"hello world, not a photo",
        b"<html><script>",
        b"PK\x03\x04zip",
        b"\xff\xf1\x50\x80",
        b"\x00\x00\x00\x18ftypxxxx\x00\x00",
        b"MZ\x90\x00",
        b"",
    ],
)
def test_sniff_refuses_everything_else(head):
    assert sniff(head) is None


# --- the service --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind", "content_type"),
    [
        ("a.png", png_bytes(), "photo", "image/png"),
        ("b.jpg", jpeg_bytes(), "photo", "image/jpeg"),
        ("c.pdf", pdf_bytes(), "pdf", "application/pdf"),
        ("d.mp4", mp4_bytes(), "video", "video/mp4"),
        ("e.wav", wav_bytes(), "audio", "audio/wav"),
        ("misnamed.txt", png_bytes(), "photo", "image/png"),  # the content decides, not the name
    ],
)
def test_accepted_with_kind_and_sha256(cast, make_case, audit_count, name, data, kind, content_type):
    case = make_case("investigating")
    before = audit_count()
    row = evidence_add(
        actor=cast.officer_a, case=case, upload=upload(name, data, "text/plain"), caption="现场"
    )
    row.refresh_from_db()
    assert row.kind == kind
    assert row.content_type == content_type
    with row.file.open("rb") as handle:
        stored = handle.read()
    assert row.sha256 == hashlib.sha256(stored).hexdigest() and row.size == len(stored)
    assert row.original_sha256 == hashlib.sha256(data).hexdigest()
    if kind != "photo":  # kept as received (a photo is re-encoded: see test_hostile_uploads)
        assert stored == data
    assert row.original_name == name.replace(".txt", ".png")  # the content's extension
    assert row.intact and row.verified_at is not None
    stored_name = Path(row.file.name).name
    assert re.fullmatch(r"[0-9a-f]{32}\.[a-z0-9]+", stored_name), (
        stored_name
    )  # a random name, never the uploader's
    event = CaseEvent.objects.get(case=case, action="evidence")
    extra = {"original_sha256": row.original_sha256} if row.original_sha256 != row.sha256 else {}
    if kind == "photo":  # a decodable photo also gets a stamped copy (cases/capture.py)
        assert row.stamped_sha256 and row.original_file
        extra["stamped_sha256"] = row.stamped_sha256
    assert event.data == {"evidence": row.pk, "sha256": row.sha256, "kind": kind, "size": row.size, **extra}
    assert audit_count() == before + 1
    assert AuditEvent.objects.filter(action="cases.evidence.add", object_id=str(row.pk)).exists()


def test_text_named_jpg_is_refused(cast, make_case):
    case = make_case("investigating")
    with pytest.raises(ValidationError) as info:
        evidence_add(
            actor=cast.officer_a,
            case=case,
            upload=upload("photo.jpg", b"just some text, honestly", "image/jpeg"),
        )
    assert "photo.jpg is not a photo, video, audio or PDF file." in info.value.messages
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_jpeg_header_that_does_not_decode_is_refused(cast, make_case):
    case = make_case("investigating")
    with pytest.raises(ValidationError) as info:
        evidence_add(
            actor=cast.officer_a, case=case, upload=upload("fake.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 50)
        )
    assert "fake.jpg is not a readable photo." in info.value.messages
    assert not Evidence.objects.exists()


def test_pdf_without_end_is_refused(cast, make_case):
    case = make_case("investigating")
    with pytest.raises(ValidationError, match="incomplete PDF"):
        evidence_add(actor=cast.officer_a, case=case, upload=upload("cut.pdf", b"%PDF-1.4\n" + b"x" * 5000))
    assert not Evidence.objects.exists()


def test_oversize_is_refused_naming_file_and_limit(cast, make_case, monkeypatch):
    monkeypatch.setattr(ev, "VIDEO_MAX_BYTES", 1000)
    case = make_case("investigating")
    with pytest.raises(ValidationError) as info:
        evidence_add(actor=cast.officer_a, case=case, upload=upload("long.mp4", mp4_bytes(5000)))
    (message,) = info.value.messages
    assert message == "long.mp4 is too large: a video may be at most 1 KB."
    assert not Evidence.objects.exists()
    # other kinds keep their own limits
    assert evidence_add(actor=cast.officer_a, case=case, upload=upload("p.png", png_bytes())).kind == "photo"


def test_record_kind_only_for_pdf_or_photo(cast, make_case):
    case = make_case("investigating")
    row = evidence_add(actor=cast.officer_a, case=case, upload=upload("笔录.pdf", pdf_bytes()), kind="record")
    assert row.kind == "record"
    with pytest.raises(ValidationError, match="signed record"):
        evidence_add(actor=cast.officer_a, case=case, upload=upload("v.mp4", mp4_bytes()), kind="record")
    with pytest.raises(ValidationError, match="is a video, not a photo"):
        evidence_add(actor=cast.officer_a, case=case, upload=upload("v.mp4", mp4_bytes()), kind="photo")
    assert Evidence.objects.count() == 1


def test_batch_is_all_or_nothing(cast, make_case, audit_count):
    case = make_case("investigating")
    before = audit_count()
    files = [
        upload("1.png", png_bytes()),
        upload("2.txt", b"not evidence"),
        upload("3.pdf", pdf_bytes()),
        upload("4.exe", b"MZ\x90\x00rest"),
    ]
    with pytest.raises(ValidationError) as info:
        evidence_add_many(actor=cast.officer_a, case=case, uploads=files)
    assert len(info.value.messages) == 2  # both bad files are named, not only the first
    assert any("2.txt" in m for m in info.value.messages) and any("4.exe" in m for m in info.value.messages)
    assert not Evidence.objects.exists()
    assert not CaseEvent.objects.filter(action="evidence").exists()
    assert audit_count() == before
    assert stored_files() == []

    rows = evidence_add_many(
        actor=cast.officer_a,
        case=case,
        uploads=[upload("1.png", png_bytes()), upload("3.pdf", pdf_bytes())],
        caption="第一次检查",
    )
    assert [r.kind for r in rows] == ["photo", "pdf"]
    assert len(stored_files()) == 4  # the photo: re-encoded, as received, stamped; the PDF
    assert audit_count() == before + 2


def test_failure_while_storing_leaves_no_file(cast, make_case, monkeypatch):
    case = make_case("investigating")
    calls = {"n": 0}
    real = ev.audit_record

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(ev, "audit_record", flaky)
    with pytest.raises(RuntimeError):
        evidence_add_many(
            actor=cast.officer_a,
            case=case,
            uploads=[upload("1.png", png_bytes()), upload("2.png", png_bytes("green"))],
        )
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_outsider_and_closed_case_may_not_add(cast, make_case, audit_count):
    case = make_case("investigating")
    before = audit_count()
    with pytest.raises(PermissionDenied):
        evidence_add(actor=cast.officer_b, case=case, upload=upload("a.png", png_bytes()))
    archived = make_case("archived")
    with pytest.raises(PermissionDenied):
        evidence_add(actor=cast.officer_a, case=archived, upload=upload("a.png", png_bytes()))
    assert not Evidence.objects.exists()
    assert audit_count() == before
    assert stored_files() == []


def test_tampered_file_is_detected(cast, make_case, audit_count):
    case = make_case("investigating")
    good = evidence_add(actor=cast.officer_a, case=case, upload=upload("a.png", png_bytes()))
    bad = evidence_add(actor=cast.officer_a, case=case, upload=upload("b.pdf", pdf_bytes()))
    assert evidence_verify(bad) is True
    Path(bad.file.path).write_bytes(pdf_bytes().replace(b"Count 0", b"Count 1"))
    before = audit_count()
    assert evidence_verify(bad) is False
    bad.refresh_from_db()
    assert bad.intact is False and bad.verified_at is not None
    assert audit_count() == before + 1  # the breakage is on the audit trail
    assert evidence_verify_case(case) == [bad]
    assert audit_count() == before + 1  # only a change of state is recorded
    good.refresh_from_db()
    assert good.intact is True
    Path(good.file.path).unlink()
    assert evidence_verify(good) is False  # a vanished file is not intact either


# --- views --------------------------------------------------------------------------------------------------


def test_upload_view_adds_files_and_redirects(cast, make_case, client_for):
    case = make_case("investigating")
    big = mp4_bytes(6 * 1024 * 1024)  # over FILE_UPLOAD_MAX_MEMORY_SIZE: arrives as a temporary file
    response = client_for(cast.officer_a).post(
        reverse("cases:evidence-upload", args=[case.pk]),
        {
            "files": [upload("x.png", png_bytes(), "image/png"), upload("clip.mp4", big, "video/mp4")],
            "caption": "现场",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url() + "#evidence"
    rows = list(Evidence.objects.filter(case=case).order_by("pk"))
    assert [r.kind for r in rows] == ["photo", "video"]
    assert rows[1].sha256 == hashlib.sha256(big).hexdigest()
    assert Path(rows[1].file.path).read_bytes() == big


def test_upload_view_reports_refused_files(cast, make_case, client_for):
    case = make_case("investigating")
    client = client_for(cast.officer_a)
    response = client.post(
        reverse("cases:evidence-upload", args=[case.pk]),
        {"files": [upload("x.jpg", b"plain text")]},
        follow=False,
    )
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    from django.contrib.messages import get_messages

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("x.jpg" in t for t in texts)


def test_download_headers(cast, make_case, client_for):
    case = make_case("investigating")
    photo = evidence_add(actor=cast.officer_a, case=case, upload=upload("a.png", png_bytes()))
    sound = evidence_add(actor=cast.officer_a, case=case, upload=upload("a.wav", wav_bytes()))
    client = client_for(cast.supervisor_a)
    response = client.get(reverse("cases:evidence-file", args=[case.pk, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Evidence-SHA256"] == photo.sha256
    assert b"".join(response.streaming_content) == png_bytes()
    response = client.get(reverse("cases:evidence-file", args=[case.pk, sound.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "audio/wav"


def test_evidence_of_another_case_is_404(cast, make_case, client_for):
    case = make_case("investigating")
    other = make_case("investigating")
    row = evidence_add(actor=cast.officer_a, case=other, upload=upload("a.png", png_bytes()))
    response = client_for(cast.officer_a).get(reverse("cases:evidence-file", args=[case.pk, row.pk]))
    assert response.status_code == 404


def test_outsider_gets_404_and_nothing_is_written(cast, make_case, client_for, audit_count):
    case = make_case("investigating")
    row = evidence_add(actor=cast.officer_a, case=case, upload=upload("a.png", png_bytes()))
    files_before, audit_before = len(stored_files()), audit_count()
    client = client_for(cast.officer_b)
    assert client.get(reverse("cases:evidence-file", args=[case.pk, row.pk])).status_code == 404
    response = client.post(
        reverse("cases:evidence-upload", args=[case.pk]), {"files": [upload("b.png", png_bytes())]}
    )
    assert response.status_code == 404
    assert Evidence.objects.count() == 1
    assert len(stored_files()) == files_before
    assert audit_count() == audit_before


def test_town_officer_not_on_the_case_is_refused_upload(cast, make_case, client_for):
    """Seeing the case (same town) is not enough to add evidence: a 403, nothing written."""
    case = make_case("investigating", officers=[cast.officer_a2, cast.supervisor_a])
    response = client_for(cast.officer_a).post(
        reverse("cases:evidence-upload", args=[case.pk]), {"files": [upload("b.png", png_bytes())]}
    )
    assert response.status_code == 403
    assert not Evidence.objects.exists()
    assert stored_files() == []


def test_public_is_sent_to_login(cast, make_case):
    from django.test import Client

    case = make_case("investigating")
    row = evidence_add(actor=cast.officer_a, case=case, upload=upload("a.png", png_bytes()))
    client = Client()
    for response in (
        client.get(reverse("cases:evidence-file", args=[case.pk, row.pk])),
        client.post(
            reverse("cases:evidence-upload", args=[case.pk]), {"files": [upload("b.png", png_bytes())]}
        ),
    ):
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
    assert Evidence.objects.count() == 1


def test_case_page_shows_gallery_and_upload_form(cast, make_case, client_for):
    case = make_case("investigating")
    photo = evidence_add(
        actor=cast.officer_a, case=case, upload=upload("a.png", png_bytes()), caption="门前货架"
    )
    sound = evidence_add(actor=cast.officer_a, case=case, upload=upload("a.wav", wav_bytes()))
    html = client_for(cast.officer_a).get(case.get_absolute_url()).content.decode()
    photo_url = reverse("cases:evidence-file", args=[case.pk, photo.pk])
    assert f'<img src="{photo_url}?copy=stamped"' in html  # the stamped copy is what the page shows
    assert f'href="{reverse("cases:evidence-file", args=[case.pk, sound.pk])}"' in html
    assert photo.sha256[:12] in html and "门前货架" in html
    assert 'accept="image/*,video/*,audio/*,application/pdf"' in html
    assert reverse("cases:evidence-upload", args=[case.pk]) in html
    # a town reviewer sees the evidence but gets no upload form
    html = client_for(cast.reviewer_a).get(case.get_absolute_url()).content.decode()
    assert photo_url in html
    assert reverse("cases:evidence-upload", args=[case.pk]) not in html


def test_heic_accepted_by_magic_without_decoding(cast, make_case):
    case = make_case("investigating")
    data = iso_bytes(b"heic", 600)
    row = evidence_add(actor=cast.officer_a, case=case, upload=upload("IMG_0001.HEIC", data))
    assert (row.kind, row.content_type) == ("photo", "image/heic")
    assert row.file.name.endswith(".heic")


def test_photo_time_taken_from_exif(cast, make_case):
    import datetime as dt

    from django.utils import timezone

    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 10:30:00"
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(out, "JPEG", exif=exif)
    case = make_case("investigating")
    row = evidence_add(actor=cast.officer_a, case=case, upload=upload("exif.jpg", out.getvalue()))
    assert row.taken_at == timezone.make_aware(dt.datetime(2026, 11, 20, 10, 30))
    chosen = timezone.now().replace(microsecond=0)
    row = evidence_add(
        actor=cast.officer_a, case=case, upload=upload("exif.jpg", out.getvalue()), taken_at=chosen
    )
    assert row.taken_at == chosen  # what the officer says wins over the camera clock


def test_upload_view_without_files(cast, make_case, client_for):
    from django.contrib.messages import get_messages

    case = make_case("investigating")
    response = client_for(cast.officer_a).post(
        reverse("cases:evidence-upload", args=[case.pk]), {"caption": "x"}
    )
    assert response.status_code == 302
    from django.contrib.messages import constants

    assert [m.level for m in get_messages(response.wsgi_request)] == [constants.ERROR]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        # text after the header
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom<html><script>alert(1)</script></html>",
        iso_bytes(b"mp42", 4096)[:3000],  # cut short: the mdat box says more than is there
    ],
)
def test_video_whose_boxes_do_not_chain_is_refused(cast, make_case, data):
    case = make_case("investigating")
    with pytest.raises(ValidationError, match="damaged or cut short"):
        evidence_add(actor=cast.officer_a, case=case, upload=upload("clip.mp4", data))
    assert not Evidence.objects.exists()


def test_m4a_and_mov_are_sniffed_and_checked(cast, make_case):
    case = make_case("investigating")
    assert (
        evidence_add(actor=cast.officer_a, case=case, upload=upload("a.m4a", iso_bytes(b"M4A "))).content_type
        == "audio/mp4"
    )
    assert (
        evidence_add(actor=cast.officer_a, case=case, upload=upload("a.mov", iso_bytes(b"qt  "))).kind
        == "video"
    )


def test_the_verify_sweep_rechecks_the_oldest_first_and_finds_tampering(cast, make_case):
    from cases.evidence import evidence_add, evidence_verify_sweep
    from cases.tasks import evidence_verify_sweep_task

    case = make_case("investigating")
    first = evidence_add(
        actor=cast.officer_a, case=case, upload=upload("a.png", png_bytes("red"), "image/png")
    )
    second = evidence_add(
        actor=cast.officer_a, case=case, upload=upload("b.png", png_bytes("blue"), "image/png")
    )
    with open(second.file.path, "ab") as handle:
        handle.write(b"tampered")
    assert evidence_verify_sweep(limit=1) == (1, 0)  # the never-checked first one, intact
    first.refresh_from_db()
    assert first.verified_at is not None
    assert evidence_verify_sweep_task() == [2, 1]
    second.refresh_from_db()
    assert not second.intact


def test_a_signed_record_needs_two_certified_officers(cast, make_case):
    from django.utils import timezone

    from cases.evidence import evidence_add
    from enforcement.models import Certificate

    case = make_case("investigating")
    Certificate.objects.filter(holder=cast.officer_a2).update(revoked_at=timezone.now())
    with pytest.raises(ValidationError) as caught:
        evidence_add(
            actor=cast.officer_a,
            case=case,
            upload=upload("record.pdf", pdf_bytes(), "application/pdf"),
            kind="record",
        )
    assert "At least two enforcement officers" in " ".join(caught.value.messages)
    assert not Evidence.objects.filter(case=case).exists()
    photo = evidence_add(actor=cast.officer_a, case=case, upload=upload("a.png", png_bytes(), "image/png"))
    assert photo.kind == "photo"  # a photo can be taken by one officer
