"""The public check of an officer's certificate (执法证): is it valid today, and whose is it.

A party on the street scans the QR on the officer's phone (the certificate's random token) or types the number
and the holder's name on the portal. Both answer the same `CertificateCheck`, which carries only what the
certificate itself shows: the holder's name, unit, number, issuing body, validity and domains. Never the
login, the phone or an ID number. Reads only: no audit row for a look-up.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .domains import Domain
from .models import Certificate, User


class CertificateState:
    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"


STATE_LABELS = {
    CertificateState.VALID: _("Valid today"),
    CertificateState.EXPIRED: _("Expired"),
    CertificateState.NOT_YET_VALID: _("Not yet valid"),
    CertificateState.REVOKED: _("Revoked"),
}

STATE_EXPLANATIONS = {
    CertificateState.VALID: _("This officer may carry out enforcement today."),
    CertificateState.EXPIRED: _("This certificate has expired: its holder may not carry out enforcement."),
    CertificateState.NOT_YET_VALID: _(
        "This certificate is not valid yet: its holder may not carry out enforcement today."
    ),
    CertificateState.REVOKED: _("This certificate was revoked: its holder may not carry out enforcement."),
}


def certificate_state(certificate: Certificate, on: dt.date) -> str:
    """Revoked first (whatever its dates say), then the dates, checked on the day asked: never cached."""
    if certificate.revoked_at is not None:
        return CertificateState.REVOKED
    if on < certificate.valid_from:
        return CertificateState.NOT_YET_VALID
    if on > certificate.valid_to:
        return CertificateState.EXPIRED
    return CertificateState.VALID


def domain_labels(codes: list[str]) -> list[str]:
    """The domains in words, in the active language (a code no longer known is shown as it is)."""
    known = {value: str(label) for value, label in Domain.choices}
    return [known.get(code, code) for code in codes]


def holder_name(holder: User) -> str:
    """The name on the certificate: the full name only, never the login name."""
    return holder.full_name.strip()


@dataclass(frozen=True)
class CertificateCheck:
    state: str
    checked_on: dt.date
    holder: str
    unit: str
    number: str
    issuing_body: str
    valid_from: dt.date
    valid_to: dt.date
    domains: list[str]

    @property
    def valid(self) -> bool:
        return self.state == CertificateState.VALID

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def explanation(self) -> str:
        return str(STATE_EXPLANATIONS[self.state])

    @property
    def domains_text(self) -> str:
        """The domains as a list in words: 城市管理、消防安全 / City management, Fire safety."""
        return ("、" if (get_language() or "zh").startswith("zh") else ", ").join(self.domains)


def certificate_check(certificate: Certificate, on: dt.date) -> CertificateCheck:
    holder = certificate.holder
    return CertificateCheck(
        state=certificate_state(certificate, on),
        checked_on=on,
        holder=holder_name(holder),
        unit=str(holder.unit) if holder.unit is not None else "",
        number=certificate.number,
        issuing_body=certificate.issuing_body,
        valid_from=certificate.valid_from,
        valid_to=certificate.valid_to,
        domains=domain_labels(list(certificate.domains or [])),
    )


def certificate_check_by_token(token: str, on: dt.date) -> CertificateCheck | None:
    """What the certificate's QR opens; None for a token no certificate carries."""
    if not token or len(token) > 64:
        return None
    certificate = Certificate.objects.select_related("holder__unit").filter(verification_token=token).first()
    return certificate_check(certificate, on) if certificate is not None else None


def normalise_name(name: str) -> str:
    """Names compare without spaces (王 建国 = 王建国), width (full-width letters) or letter case."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def certificate_check_by_number(number: str, name: str, on: dt.date) -> CertificateCheck | None:
    """The portal's look-up: the number and the holder's name must both match, so a list of numbers tried
    one by one gives nothing without the names. None when they do not (the same answer whichever is wrong)."""
    number = "".join(number.split()).upper()
    wanted = normalise_name(name)
    if not number or not wanted or len(number) > 40:
        return None
    certificate = Certificate.objects.select_related("holder__unit").filter(number__iexact=number).first()
    if certificate is None or normalise_name(holder_name(certificate.holder)) != wanted:
        return None
    return certificate_check(certificate, on)


def certificate_shown_by(holder: User, on: dt.date) -> Certificate | None:
    """The certificate an officer shows: the one valid on the day, else their latest (to say why not)."""
    certificates = list(Certificate.objects.filter(holder=holder).order_by("-valid_to", "-pk"))
    valid = next((c for c in certificates if c.valid_on(on)), None)
    return valid or (certificates[0] if certificates else None)


def initials(name: str) -> str:
    """A stand-in for the photo: a Chinese name's given name (its last two characters), or a Western name's
    initials."""
    name = name.strip()
    if not name:
        return "?"
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[-2:] if len(name) >= 3 else name
    return "".join(part[0] for part in name.split()[:2]).upper()
