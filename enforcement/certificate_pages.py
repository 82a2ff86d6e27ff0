"""The officer's electronic certificate (电子执法证) and its public check.

`/me/certificate/` is what the officer shows on the street: the certificate as a card with a QR code of its
public page. `/verify/certificate/<token>/` is that page (no login). `/verify/certificate/?number=&name=` is
the portal's look-up by number and holder's name, throttled per client address with the API's
`/api/certificates/verify/` (one count for both). Reads only: no audit row.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import clock
from .forms import CertificateLookupForm
from .http import AuthedHttpRequest
from .net import certificate_verify_allowed
from .verification import (
    certificate_check,
    certificate_check_by_number,
    certificate_check_by_token,
    certificate_shown_by,
    initials,
)


def qr_svg_data_uri(url: str) -> str:
    """The QR image of a URL as an SVG data URI (segno: pure Python, no image library)."""
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=8, border=2))


def _public(response: HttpResponse) -> HttpResponse:
    # The token is the key to the page: it does not leave for other sites, and search engines keep out.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def certificate_mine(request: AuthedHttpRequest) -> HttpResponse:
    """The signed-in officer's certificate, to show on the phone: the card and the QR of its public page."""
    today = clock.today()
    certificate = certificate_shown_by(request.user, today)
    context: dict[str, object] = {"today": today, "initials": initials(request.user.full_name)}
    if certificate is not None:
        url = request.build_absolute_uri(reverse("certificate-verify", args=[certificate.verification_token]))
        context.update(
            check=certificate_check(certificate, today),
            verify_url=url,
            qr=qr_svg_data_uri(url),
        )
    response = render(request, "enforcement/certificate_mine.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@never_cache
@require_GET
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """What the QR opens: is this certificate valid today, and whose is it. An unknown token: a plain 404."""
    check = certificate_check_by_token(token, clock.today())
    if check is None:
        return _public(render(request, "enforcement/certificate_unknown.html", status=404))
    return _public(render(request, "enforcement/certificate_verify.html", {"check": check}))


@login_not_required
@never_cache
@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """The portal's look-up by number and holder's name: both must match. An empty form is free; each
    look-up counts against the client address (429 with a message once too many)."""
    asked = bool(request.GET.get("number") or request.GET.get("name"))
    form = CertificateLookupForm(request.GET if asked else None)
    context: dict[str, object] = {"form": form}
    status = 200
    if asked:
        allowed, wait = certificate_verify_allowed(request)
        if not allowed:
            context["throttled_wait"] = wait
            status = 429
        elif form.is_valid():
            check = certificate_check_by_number(
                form.cleaned_data["number"], form.cleaned_data["name"], clock.today()
            )
            if check is None:
                context["no_match"] = True
                status = 404
            else:
                context["check"] = check
        else:
            status = 400
    response = render(request, "enforcement/certificate_lookup.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["throttled_wait"])
    return _public(response)
