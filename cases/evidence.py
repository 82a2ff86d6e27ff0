"""Evidence (证据) for penalty cases: uploads checked by their content, stored with their SHA-256,
re-verifiable.

A file is accepted by what its bytes say it is, never by its name or the browser's content type: a few magic
bytes tell the family (photo, video, audio, PDF), then a PDF must end like one and a photo must decode and is
re-encoded (enforcement.uploads: one size and pixel limit with whistle photos; trailers, comments and metadata
other than the capture time, GPS, orientation and camera are dropped; the original's SHA-256 is kept in
`original_sha256`). Names are reduced to safe characters with the content's extension. The hash is taken while
the upload is read in chunks, so a 200 MB video is never held in memory. Every file of a batch is checked
before the first one is stored; a failure after that removes what was already written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit import audit_record
from enforcement.models import User
from enforcement.rules import require
from enforcement.uploads import PHOTO_MAX_BYTES, photo_taken_at, reencode_photo, safe_filename
from enforcement.work_cache import work_changed

from . import clock, rules
from .capture import NO_CAPTURE, Capture, stamp_lines
from .models import Case, CaseEvent, Evidence
from .stamp import stamp_image

MB = 1024 * 1024
AUDIO_MAX_BYTES = 50 * MB
PDF_MAX_BYTES = 30 * MB
VIDEO_MAX_BYTES = 200 * MB
MAX_FILES_PER_UPLOAD = 20
CHUNK = 1024 * 1024
PDF_EOF_WINDOW = 2048  # %%EOF must appear within the last bytes (trailing whitespace or junk is common)

Kind = Evidence.Kind


def _limits() -> dict[str, int]:
    # Read at call time so that the module constants can be changed (settings, tests).
    return {
        Kind.PHOTO: PHOTO_MAX_BYTES,
        Kind.VIDEO: VIDEO_MAX_BYTES,
        Kind.AUDIO: AUDIO_MAX_BYTES,
        Kind.PDF: PDF_MAX_BYTES,
    }


@dataclass(frozen=True)
class Sniffed:
    kind: str  # photo, video, audio or pdf: what the content is
    content_type: str
    extension: str
    pillow_format: str = ""  # set when Pillow must decode it


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    name: str
    kind: str  # what is stored: the content's kind, or "record" when the user chose it for a PDF or photo
    content_type: str
    extension: str
    size: int
    sha256: str  # of what is stored
    taken_at: dt.datetime | None = None
    data: bytes | None = None  # a re-encoded photo, stored instead of the upload
    original_sha256: str = ""  # of the file as received


# --- sniffers -----------------------------------------------------------------------------------------------

HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc", b"hevx"}
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"M4VP",
    b"MSNV",
    b"dash",
    b"mmp4",
    b"f4v ",
}
M4A_BRANDS = {b"M4A ", b"M4B "}


def _sniff_ftyp(head: bytes) -> Sniffed | None:
    """ISO base media (MP4, MOV, 3GP, M4A, HEIC): a first box of type `ftyp` whose major brand says which."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[0:4], "big")
    if box_size not in (0, 1) and box_size < 12:
        return None
    brand = head[8:12]
    if brand in HEIF_BRANDS:
        return Sniffed(Kind.PHOTO, "image/heic", "heic")
    if brand in M4A_BRANDS:
        return Sniffed(Kind.AUDIO, "audio/mp4", "m4a")
    if brand == b"qt  ":
        return Sniffed(Kind.VIDEO, "video/quicktime", "mov")
    if brand.startswith(b"3gp") or brand.startswith(b"3ge") or brand.startswith(b"3gg"):
        return Sniffed(Kind.VIDEO, "video/3gpp", "3gp")
    if brand.startswith(b"3g2"):
        return Sniffed(Kind.VIDEO, "video/3gpp2", "3g2")
    if brand in MP4_BRANDS:
        return Sniffed(Kind.VIDEO, "video/mp4", "mp4")
    return None


def _is_mp3_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a real version and layer, a usable bitrate and sample
    rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0x03
    layer = (head[1] >> 1) & 0x03
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0x03
    return version != 0b01 and layer != 0b00 and bitrate not in (0b0000, 0b1111) and sample_rate != 0b11


def sniff(head: bytes) -> Sniffed | None:
    """What the first bytes of a file say it is, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(Kind.PHOTO, "image/jpeg", "jpg", "JPEG")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(Kind.PHOTO, "image/png", "png", "PNG")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(Kind.PHOTO, "image/webp", "webp", "WEBP")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed(Kind.AUDIO, "audio/wav", "wav")
    if head.startswith(b"#!AMR-WB\n"):
        return Sniffed(Kind.AUDIO, "audio/amr-wb", "awb")
    if head.startswith(b"#!AMR\n"):
        return Sniffed(Kind.AUDIO, "audio/amr", "amr")
    if head.startswith(b"ID3") and len(head) >= 10 and head[3] in (2, 3, 4):
        return Sniffed(Kind.AUDIO, "audio/mpeg", "mp3")
    if _is_mp3_frame(head):
        return Sniffed(Kind.AUDIO, "audio/mpeg", "mp3")
    if head.startswith(b"%PDF-"):
        return Sniffed(Kind.PDF, "application/pdf", "pdf")
    return _sniff_ftyp(head)


# --- checks -------------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} KB"


def _a_kind(kind: str) -> str:
    """The kind as a noun phrase for messages ("a video", "一段视频")."""
    return {
        Kind.PHOTO: _("a photo"),
        Kind.VIDEO: _("a video"),
        Kind.AUDIO: _("an audio recording"),
        Kind.PDF: _("a PDF file"),
        Kind.RECORD: _("a signed record"),
    }[Kind(kind)]


def _read_head(upload: UploadedFile, n: int = 64) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _hash(upload: UploadedFile, *, name: str, limit: int, kind: str) -> tuple[str, int]:
    """SHA-256 and byte count, reading in chunks; stops as soon as the limit is passed."""
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks(CHUNK):
        size += len(chunk)
        if size > limit:
            raise _too_large(name, kind, limit)
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def _too_large(name: str, kind: str, limit: int) -> ValidationError:
    return ValidationError(
        _("%(name)s is too large: %(kind)s may be at most %(limit)s.")
        % {"name": name, "kind": _a_kind(kind), "limit": _megabytes(limit)},
        code="too_large",
    )


def _check_pdf_end(upload: UploadedFile, *, name: str, size: int) -> None:
    upload.seek(max(0, size - PDF_EOF_WINDOW))
    tail = upload.read(PDF_EOF_WINDOW)
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise ValidationError(_("%(name)s is an incomplete PDF file.") % {"name": name}, code="pdf_truncated")


MAX_TOP_LEVEL_BOXES = 10_000


def _check_iso_boxes(upload: UploadedFile, *, name: str, size: int, kind: str) -> None:
    """MP4/MOV/3GP/M4A/HEIC: the top-level boxes must chain from the start to the end of the file. Reads only
    the 8- or 16-byte box headers, so it costs nothing on a large video, and text with an `ftyp` prefix fails
    it."""
    broken = ValidationError(
        _("%(name)s looks like %(kind)s but is damaged or cut short.")
        % {"name": name, "kind": _a_kind(kind)},
        code="truncated",
    )
    position = 0
    try:
        for _count in range(MAX_TOP_LEVEL_BOXES):
            if position == size:
                return
            upload.seek(position)
            header = upload.read(16)
            if len(header) < 8:
                raise broken
            box_size = int.from_bytes(header[0:4], "big")
            box_type = header[4:8]
            if not all(32 <= b < 127 for b in box_type):
                raise broken
            if box_size == 0:  # the last box runs to the end of the file
                return
            if box_size == 1:  # a 64-bit size follows the type
                if len(header) < 16:
                    raise broken
                box_size = int.from_bytes(header[8:16], "big")
                if box_size < 16:
                    raise broken
            elif box_size < 8:
                raise broken
            position += box_size
            if position > size:
                raise broken
        raise broken
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile, *, kind: str = "") -> CheckedUpload:
    """Check one upload by its content; raise ValidationError naming the file when it is refused.

    `kind` is the user's choice: empty (take what the content is), the content's own kind, or "record" (a
    signed record 笔录, which must be a PDF or a photo)."""
    name = safe_filename(getattr(upload, "name", ""), fallback=_("the file"))
    if kind and kind not in Kind.values:
        raise ValidationError(_("Unknown kind of evidence “%(kind)s”.") % {"kind": kind}, code="kind")
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    head = _read_head(upload)
    sniffed = sniff(head)
    head_is_iso = head[4:8] == b"ftyp"
    if sniffed is None:
        raise ValidationError(
            _("%(name)s is not a photo, video, audio or PDF file.") % {"name": name}, code="format"
        )
    limit = _limits()[sniffed.kind]
    if upload.size > limit:
        raise _too_large(name, sniffed.kind, limit)
    stored_kind = sniffed.kind
    if kind == Kind.RECORD:
        if sniffed.kind not in (Kind.PDF, Kind.PHOTO):
            raise ValidationError(
                _("%(name)s cannot be a signed record: a record must be a PDF file or a photo.")
                % {"name": name},
                code="kind",
            )
        stored_kind = Kind.RECORD
    elif kind and kind != sniffed.kind:
        raise ValidationError(
            _("%(name)s is %(found)s, not %(chosen)s.")
            % {"name": name, "found": _a_kind(sniffed.kind), "chosen": _a_kind(kind)},
            code="kind",
        )
    name = safe_filename(getattr(upload, "name", ""), extension=sniffed.extension, fallback=_("the file"))
    sha256, size = _hash(upload, name=name, limit=limit, kind=sniffed.kind)
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    if sniffed.pillow_format:
        photo = reencode_photo(upload, name=name)
        if photo.content_type != sniffed.content_type:  # the magic bytes and the decoder disagree
            raise ValidationError(_("%(name)s is not a readable photo.") % {"name": name}, code="unreadable")
        return CheckedUpload(
            upload,
            name,
            stored_kind,
            photo.content_type,
            photo.extension,
            len(photo.data),
            photo.sha256,
            photo_taken_at(photo),
            photo.data,
            photo.original_sha256,
        )
    if sniffed.kind == Kind.PDF:
        _check_pdf_end(upload, name=name, size=size)
    if head_is_iso:
        _check_iso_boxes(upload, name=name, size=size, kind=sniffed.kind)
    return CheckedUpload(
        upload, name, stored_kind, sniffed.content_type, sniffed.extension, size, sha256, None, None, sha256
    )


def check_uploads(uploads: Sequence[UploadedFile], *, kind: str = "") -> list[CheckedUpload]:
    """Check every upload; raise one ValidationError listing every refused file (nothing has been written)."""
    if not uploads:
        raise ValidationError(_("Choose at least one file."), code="required")
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            _("At most %(n)d files at a time.") % {"n": MAX_FILES_PER_UPLOAD}, code="too_many"
        )
    checked: list[CheckedUpload] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, kind=kind))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return checked


# --- services -----------------------------------------------------------------------------------------------


def _stamp(*, actor: User, case: Case, checked: CheckedUpload, row: Evidence) -> None:
    """A photo: keep the bytes as received beside the re-encoding, and make the stamped copy."""
    assert checked.data is not None
    row.original_file.save(f"original.{checked.extension}", checked.upload, save=False)
    try:
        stamped = stamp_image(checked.data, stamp_lines(case=case, actor=actor, evidence=row))
    except (OSError, ValueError) as exc:  # it decoded a moment ago; a failure here is no user's fault
        raise ValidationError(
            _("%(name)s could not be stamped.") % {"name": checked.name}, code="stamp"
        ) from exc
    row.stamped_sha256 = hashlib.sha256(stamped).hexdigest()
    row.stamped_file.save("stamped.jpg", ContentFile(stamped), save=False)


def _store(
    *,
    actor: User,
    case: Case,
    checked: CheckedUpload,
    caption: str,
    taken_at: dt.datetime | None,
    capture: Capture,
    written: list[Evidence],
) -> Evidence:
    received = clock.now()
    row = Evidence(
        case=case,
        kind=checked.kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        original_sha256=checked.original_sha256,
        caption=caption[:300],
        taken_at=taken_at or checked.taken_at or capture.device_time,
        uploaded_by=actor,
        uploaded_at=received,
        verified_at=received,
        intact=True,
        latitude=capture.latitude,
        longitude=capture.longitude,
        accuracy_m=capture.accuracy_m if capture.has_location else None,
        location_source=capture.source,
        device_time=capture.device_time,
    )
    written.append(row)
    # Our name, from the content (the upload_to path is random and keeps only the extension).
    content = ContentFile(checked.data) if checked.data is not None else checked.upload
    row.file.save(f"evidence.{checked.extension}", content, save=False)
    if checked.data is not None:
        _stamp(actor=actor, case=case, checked=checked, row=row)
    row.save()
    data: dict[str, Any] = {"evidence": row.pk, "sha256": row.sha256, "kind": row.kind, "size": row.size}
    if row.original_sha256 != row.sha256:  # a re-encoded photo: the hash of what was received
        data["original_sha256"] = row.original_sha256
    if row.stamped_sha256:
        data["stamped_sha256"] = row.stamped_sha256
    if row.has_location:
        data.update(latitude=str(row.latitude), longitude=str(row.longitude), accuracy_m=row.accuracy_m)
    if row.device_time:
        data["device_time"] = row.device_time.isoformat()
    CaseEvent.objects.create(
        case=case, action="evidence", actor=actor, at=row.uploaded_at, note=row.caption, data=data
    )
    audit_record(
        actor=actor,
        action="cases.evidence.add",
        obj=row,
        town=case.town,
        summary=f"{case.reference}: {row.original_name}",
        after={**data, "case": case.pk, "name": row.original_name, "content_type": row.content_type},
    )
    return row


def _remove_files(row: Evidence) -> None:
    for field in (row.file, row.original_file, row.stamped_file):
        if field:
            field.delete(save=False)


def _store_all(
    *,
    actor: User,
    case: Case,
    checked: Sequence[CheckedUpload],
    caption: str,
    taken_at: dt.datetime | None = None,
    capture: Capture = NO_CAPTURE,
) -> list[Evidence]:
    written: list[Evidence] = []  # every row whose files are (partly) on disk, saved or not
    try:
        with transaction.atomic():
            return [
                _store(
                    actor=actor,
                    case=case,
                    checked=item,
                    caption=caption,
                    taken_at=taken_at,
                    capture=capture,
                    written=written,
                )
                for item in checked
            ]
    except BaseException:
        # The rows are rolled back; remove their files too so that no file is left without its row.
        for row in written:
            _remove_files(row)
        raise


def _require_record_officers(case: Case, checked: Sequence[CheckedUpload]) -> None:
    """A signed record (笔录) is made by at least two officers with valid certificates (art 42), like filing
    and the decision; photos and recordings can be taken by one."""
    if any(item.kind == Evidence.Kind.RECORD for item in checked):
        from .checks import officer_problems

        problems = officer_problems(case, clock.today())
        if problems:
            raise ValidationError({"files": problems})


def evidence_add(
    *,
    actor: User,
    case: Case,
    upload: UploadedFile,
    caption: str = "",
    kind: str = "",
    taken_at: dt.datetime | None = None,
    capture: Capture = NO_CAPTURE,
) -> Evidence:
    """Add one file. Raises PermissionDenied, or ValidationError when the file is refused (nothing
    written)."""
    require(rules.can_add_evidence(actor, case), "you may not add evidence to this case")
    checked = check_upload(upload, kind=kind)
    _require_record_officers(case, [checked])
    return _store_all(
        actor=actor, case=case, checked=[checked], caption=caption, taken_at=taken_at, capture=capture
    )[0]


def evidence_capture(
    *,
    actor: User,
    case: Case,
    uploads: Sequence[UploadedFile],
    caption: str = "",
    kind: str = "",
    capture: Capture = NO_CAPTURE,
) -> list[Evidence]:
    """Add several files taken on site, with the device's location and clock (cases/capture.py): all are
    checked before any is written, one refused file refuses the batch, and the batch is stored in one
    transaction. Photos keep their original bytes and get a stamped copy. Raises PermissionDenied or
    ValidationError."""
    require(rules.can_add_evidence(actor, case), "you may not add evidence to this case")
    checked = check_uploads(uploads, kind=kind)
    _require_record_officers(case, checked)
    return _store_all(actor=actor, case=case, checked=checked, caption=caption, capture=capture)


def evidence_add_many(
    *, actor: User, case: Case, uploads: Sequence[UploadedFile], caption: str = "", kind: str = ""
) -> list[Evidence]:
    """Add several files with no location (the case page's plain upload form)."""
    return evidence_capture(actor=actor, case=case, uploads=uploads, caption=caption, kind=kind)


def _hash_stored(evidence: Evidence | Any) -> str | None:
    return _hash_file(evidence.file)


def _hash_file(field: Any) -> str | None:
    try:
        handle: IO[bytes] = field.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        return None
    digest = hashlib.sha256()
    try:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    finally:
        handle.close()
    return digest.hexdigest()


def evidence_verify(evidence: Evidence) -> bool:
    """Re-hash the stored file (and a captured photo's original and stamped copy) and record the result; a
    file that changed or vanished is not intact.

    The first time a file is found broken an audit row says so (a later repair is recorded the same way)."""
    intact = (
        _hash_stored(evidence) == evidence.sha256
        and (not evidence.original_file or _hash_file(evidence.original_file) == evidence.original_sha256)
        and (not evidence.stamped_file or _hash_file(evidence.stamped_file) == evidence.stamped_sha256)
    )
    now = timezone.now()
    with transaction.atomic():
        was = (
            Evidence.objects.select_for_update()
            .filter(pk=evidence.pk)
            .values_list("intact", flat=True)
            .first()
        )
        Evidence.objects.filter(pk=evidence.pk).update(verified_at=now, intact=intact)
        # The case page shows when it was checked; an update() sends no signal (held pages: issue 18).
        work_changed(town=evidence.case.town_id)
        if was is not None and was != intact:
            audit_record(
                actor=None,
                action="cases.evidence.verify",
                obj=evidence,
                town=evidence.case.town,
                summary=f"{evidence.case.reference}: {evidence.original_name}",
                before={"intact": was},
                after={"intact": intact, "sha256": evidence.sha256},
            )
    evidence.verified_at, evidence.intact = now, intact
    return intact


def evidence_verify_case(case: Case) -> list[Evidence]:
    """Verify every file of the case; returns those that are not intact."""
    return [e for e in case.evidence.select_related("case__town").order_by("pk") if not evidence_verify(e)]


VERIFY_BATCH = 200  # files re-hashed per sweep


def evidence_verify_sweep(limit: int = VERIFY_BATCH) -> tuple[int, int]:
    """Periodic: re-hash the files checked longest ago (never-checked first), a bounded batch per run, so
    every file is re-verified in turn. Returns (checked, not intact). Safe to run twice: it only records what
    it finds."""
    from django.db.models import F

    rows = list(
        Evidence.objects.select_related("case__town").order_by(F("verified_at").asc(nulls_first=True), "pk")[
            :limit
        ]
    )
    broken = sum(1 for row in rows if not evidence_verify(row))
    return len(rows), broken
