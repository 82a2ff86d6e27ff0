"""Evidence captured on site (现场取证): where and when the phone says a photo, video or recording was taken.

The capture page (and the API) send the device's location (latitude, longitude, accuracy in metres, from
`navigator.geolocation`) and its clock with the files. `capture_from` checks them; a file without a location
is still accepted and marked "no location". Photos get a stamped copy (cases/stamp.py) naming the time, the
place, the case and the officer; videos and recordings keep the same facts as fields only.

The time a file was taken is the camera's own (EXIF) when the photo has one, else the phone's clock when it
was captured; the server's receipt time (`Evidence.uploaded_at`) is kept beside it, so a phone whose clock is
wrong shows as such.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enforcement.models import User

from .models import Case, Evidence
from .stamp import stamp_speaks_chinese

MAX_ACCURACY_M = 100_000  # a fix worse than 100 km says nothing about the place
SIX_PLACES = Decimal("0.000001")
CLOCK_SKEW_SHOWN = dt.timedelta(minutes=2)  # a phone clock this far from the server's is pointed out


@dataclass(frozen=True)
class Capture:
    """The device's facts sent with the files of one capture (every file of the batch shares them)."""

    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: int | None = None
    device_time: dt.datetime | None = None

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def source(self) -> str:
        return Evidence.LocationSource.DEVICE if self.has_location else Evidence.LocationSource.NONE


NO_CAPTURE = Capture()


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return str(value if value is not None else "").strip()[:64]


def _coordinate(raw: str, *, limit: int, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        errors.setdefault(field, []).append(
            _("The latitude is not a number.") if field == "latitude" else _("The longitude is not a number.")
        )
        return None
    if not -limit <= value <= limit:
        errors.setdefault(field, []).append(
            _("The latitude must be between -90 and 90 degrees.")
            if field == "latitude"
            else _("The longitude must be between -180 and 180 degrees.")
        )
        return None
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def _accuracy(raw: str, errors: dict[str, list[str]]) -> int | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_ACCURACY_M:
        errors.setdefault("accuracy", []).append(
            _("The accuracy must be a distance in metres between 0 and %(max)d.") % {"max": MAX_ACCURACY_M}
        )
        return None
    return math.ceil(value)


def _device_time(raw: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        errors.setdefault("device_time", []).append(_("The device time is not a date and time."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not 2000 <= value.year <= 2100:
        errors.setdefault("device_time", []).append(_("The device time is not a plausible date."))
        return None
    return value


def capture_from(data: Mapping[str, Any]) -> Capture:
    """The capture facts from posted fields `latitude`, `longitude`, `accuracy` (metres) and `device_time`
    (ISO 8601); all may be blank. Raises ValidationError keyed by field when a value is given but wrong:
    coordinates out of range, only one of the two, an accuracy that is no distance, a time that is no time."""
    errors: dict[str, list[str]] = {}
    lat_raw, lon_raw = _text(data, "latitude"), _text(data, "longitude")
    accuracy_raw, time_raw = _text(data, "accuracy"), _text(data, "device_time")
    latitude = longitude = None
    accuracy = None
    if lat_raw or lon_raw:
        if not (lat_raw and lon_raw):
            errors["latitude"] = [_("Give both the latitude and the longitude, or neither.")]
        else:
            latitude = _coordinate(lat_raw, limit=90, field="latitude", errors=errors)
            longitude = _coordinate(lon_raw, limit=180, field="longitude", errors=errors)
        if accuracy_raw:
            accuracy = _accuracy(accuracy_raw, errors)
    device_time = _device_time(time_raw, errors) if time_raw else None
    if errors:
        raise ValidationError(errors)
    return Capture(latitude, longitude, accuracy, device_time)


# --- words --------------------------------------------------------------------------------------------------


def _degrees(value: Decimal, positive: str, negative: str) -> str:
    return (positive if value >= 0 else negative) % {"deg": f"{abs(value):.6f}"}


def coordinates_words(latitude: Decimal, longitude: Decimal) -> str:
    """ "29.550000° N, 106.550000° E" / "北纬29.550000°，东经106.550000°" in the active language."""
    return _("%(lat)s, %(lon)s") % {
        "lat": _degrees(latitude, _("%(deg)s° N"), _("%(deg)s° S")),
        "lon": _degrees(longitude, _("%(deg)s° E"), _("%(deg)s° W")),
    }


def place_words(evidence: Evidence) -> str:
    """Where the file was taken, in the active language, or that no location came with it."""
    if evidence.latitude is None or evidence.longitude is None:
        return _("No location (the phone gave none)")
    where = coordinates_words(evidence.latitude, evidence.longitude)
    if evidence.accuracy_m is None:
        return where
    return _("%(where)s, within about %(m)s m") % {"where": where, "m": evidence.accuracy_m}


def clock_skew_words(evidence: Evidence) -> str:
    """Empty, or how far the phone's clock was from the server's when the file arrived."""
    if evidence.device_time is None:
        return ""
    skew = evidence.device_time - evidence.uploaded_at
    if abs(skew) < CLOCK_SKEW_SHOWN:
        return ""
    minutes = round(abs(skew).total_seconds() / 60)
    if skew > dt.timedelta(0):
        return _("the phone's clock was %(n)d min ahead of the server's") % {"n": minutes}
    return _("the phone's clock was %(n)d min behind the server's, or the file was sent later") % {
        "n": minutes
    }


def _latin(text: str) -> str:
    """What a Latin font can draw of `text` (Chinese characters removed)."""
    return " ".join("".join(c for c in text if ord(c) < 0x250).split())


def stamp_lines(*, case: Case, actor: User, evidence: Evidence) -> list[str]:
    """The stamp's lines: in Chinese when the CJK font is there, else in English with Latin letters only."""
    chinese = stamp_speaks_chinese()
    with translation.override("zh-hans" if chinese else "en"):
        when = timezone.localtime(evidence.taken_at or evidence.uploaded_at)
        zone = f"{when:%z}"
        time_label = pgettext("stamp", "Taken") if evidence.taken_at else pgettext("stamp", "Received")
        place = place_words(evidence) if evidence.has_location else pgettext("stamp", "no location")
        officer = actor.full_name or actor.username
        reference = f"{case.reference} {case.town.name}"
        if not chinese:
            officer = officer if _latin(officer) == officer else actor.username
            reference = reference if _latin(reference) == reference else f"#{case.pk}"
        lines = [
            f"{time_label} {when:%Y-%m-%d %H:%M:%S} UTC{zone[:3]}:{zone[3:]}",
            f"{pgettext('stamp', 'Place')} {place}",
            f"{pgettext('stamp', 'Case')} {reference}",
            f"{pgettext('stamp', 'Officer')} {officer}",
            f"{pgettext('stamp', 'Original SHA-256')} {evidence.original_sha256[:16]}",
        ]
    return lines if chinese else [_latin(line) for line in lines]
