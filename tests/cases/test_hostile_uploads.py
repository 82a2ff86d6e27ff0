"""Every hostile kind of file through the real upload views and APIs of case evidence and whistle photos:
refused with a clear message, or stored safely (re-encoded, a safe name). Never a 5xx. The README's upload
table is this."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.urls import reverse
from PIL import Image

from cases.models import Evidence
from enforcement.models import AuditEvent
from tests.hostile_files import HTML, SVG, jpeg, multipart, png_bomb, zip_bytes
from whistles.models import WhistlePhoto
from whistles.services import whistle_raise

pytestmark = pytest.mark.django_db

PHOTO = jpeg(gps=True)


@dataclass(frozen=True)
class Hostile:
    kind: str
    name: str
    data: bytes
    refused: tuple[str, ...] = ()  # any of these words in the refusal; empty: stored safely
    stored_name: str = ""  # the evidence's kept name when stored


MATRIX = [
    Hostile(
        "wrong extension (HTML named .jpg)",
        "photo.jpg",
        HTML,
        refused=("not a photo, video, audio or PDF", "not a readable photo"),
    ),
    Hostile("wrong extension (JPEG named .pdf)", "scan.pdf", PHOTO, stored_name="scan.jpg"),
    Hostile("JPEG + ZIP polyglot", "polyglot.jpg", PHOTO + zip_bytes(), stored_name="polyglot.jpg"),
    Hostile(
        "JPEG with <script> in a comment",
        "comment.jpg",
        jpeg(comment=b"<script>alert(document.cookie)</script>"),
        stored_name="comment.jpg",
    ),
    Hostile(
        "SVG with script",
        "drawing.svg",
        SVG,
        refused=("not a photo, video, audio or PDF", "not a readable photo"),
    ),
    Hostile("0 bytes", "empty.jpg", b"", refused=("is empty", "file is empty")),
    Hostile(
        "oversize (10 MB + a photo)",
        "huge.jpg",
        PHOTO + b"\0" * (10 * 1024 * 1024),
        refused=("at most 10 MB",),
    ),
    Hostile(
        "decompression bomb (100,000 x 100,000 PNG)", "bomb.png", png_bomb(), refused=("too many pixels",)
    ),
    Hostile("path traversal name", "../../../etc/passwd.jpg", PHOTO, stored_name="passwd.jpg"),
    Hostile(
        "path traversal name (backslashes)", "..\\..\\windows\\win.ini.jpg", PHOTO, stored_name="win.ini.jpg"
    ),
    Hostile("NUL in the name", "evil\x00.php.jpg", PHOTO, stored_name="evil.php.jpg"),
    Hostile("right-to-left override", "photo\u202egpj.exe", PHOTO, stored_name="photogpj.jpg"),
    Hostile("Chinese name (kept)", "现场照片（一）.jpg", PHOTO, stored_name="现场照片（一）.jpg"),
]
IDS = [h.kind for h in MATRIX]


def _safely_stored(data: bytes, original: bytes) -> None:
    """Re-encoded: a photo that decodes, nothing appended, no comment or script, capture time and GPS kept."""
    assert not zipfile.is_zipfile(io.BytesIO(data)) and b"PK\x03\x04" not in data
    assert b"<script" not in data and b"EditorWithSecrets" not in data
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        exif = image.getexif()
        assert exif.get_ifd(0x8769).get(0x9003) == "2026:11:30 09:15:00"
        assert exif.get(0x010F) == "Huawei"
        if original[: len(PHOTO)] == PHOTO:
            assert exif.get_ifd(0x8825).get(1) == "N"


def _evidence_state(case):
    return Evidence.objects.filter(case=case).count(), AuditEvent.objects.count()


@pytest.mark.parametrize("hostile", MATRIX, ids=IDS)
@pytest.mark.parametrize("via", ["page", "api"])
def test_evidence_upload(cast, make_case, client_for, hostile, via):
    case = make_case("investigating")
    before = _evidence_state(case)
    body, content_type = multipart({"caption": "现场"}, [("files", hostile.name, hostile.data)])
    client = client_for(cast.officer_a)
    if via == "page":
        response = client.post(
            reverse("cases:evidence-upload", args=[case.pk]) + "?lang=en", body, content_type=content_type
        )
        assert response.status_code == 302
        text = client.get(response["Location"]).content.decode()
    else:
        response = client.post(
            reverse("api-case-evidence", args=[case.pk]) + "?lang=en", body, content_type=content_type
        )
        assert response.status_code in (201, 400), response.content[:300]
        text = response.content.decode()
    if hostile.refused:
        assert any(words in text for words in hostile.refused), (hostile.kind, text[-1500:])
        assert _evidence_state(case) == before
        return
    row = Evidence.objects.get(case=case)
    assert row.original_name == hostile.stored_name
    assert row.kind == "photo" and row.content_type == "image/jpeg"
    with row.file.open("rb") as handle:
        stored = handle.read()
    _safely_stored(stored, hostile.data)
    assert row.sha256 == hashlib.sha256(stored).hexdigest() and row.size == len(stored)
    assert row.original_sha256 == hashlib.sha256(hostile.data).hexdigest()
    download = client.get(reverse("cases:evidence-file", args=[case.pk, row.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert (
        "\u202e" not in download["Content-Disposition"]
        and "/" not in download["Content-Disposition"].split("filename")[-1]
    )


@pytest.mark.parametrize("hostile", MATRIX, ids=IDS)
@pytest.mark.parametrize("via", ["page", "api"])
def test_whistle_photo_upload(cast, client_for, hostile, via):
    whistle = whistle_raise(
        actor=cast.officer_a,
        town=cast.town_a,
        title="油烟扰民",
        description="餐馆油烟直排。",
        reason="no_power",
        urgency="normal",
        address="解放路12号",
        departments=[cast.department],
    )
    before = (WhistlePhoto.objects.count(), AuditEvent.objects.count())
    body, content_type = multipart({"caption": "现场"}, [("photos", hostile.name, hostile.data)])
    url = (
        reverse("whistle-photo-add" if via == "page" else "api-whistle-photos", args=[whistle.pk])
        + "?lang=en"
    )
    response = client_for(cast.officer_a).post(url, body, content_type=content_type)
    if hostile.refused:
        assert response.status_code == 400, response.status_code
        assert any(words in response.content.decode() for words in hostile.refused), (
            response.content.decode()[-2000:]
        )
        assert (WhistlePhoto.objects.count(), AuditEvent.objects.count()) == before
        return
    assert response.status_code in (201, 302), response.content[:300]
    photo = WhistlePhoto.objects.get(whistle=whistle)
    with photo.file.open("rb") as handle:
        stored = handle.read()
    _safely_stored(stored, hostile.data)
    assert photo.content_type == "image/jpeg" and photo.sha256 == hashlib.sha256(stored).hexdigest()
    assert photo.original_sha256 == hashlib.sha256(hostile.data).hexdigest()
