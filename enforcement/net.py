"""The client's address, one rule for the API throttles and the login lockout.

Proxy headers are trusted only as far as the deployment says: NUM_PROXIES=0 (the default) takes the socket's
address and ignores X-Forwarded-For, which any client can write; NUM_PROXIES=N takes the N-th address from the
right of X-Forwarded-For, the one the nearest of our N proxies saw.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes counts failures against: the same one DRF's throttles use (NUM_PROXIES)."""
    # DRF types get_ident for its own Request; it reads only `META`, which Django's request has (axes passes
    # one).
    ident = BaseThrottle().get_ident(request)  # type: ignore[arg-type]
    if not ident:  # a request built in code (a test client's force_login) has no socket
        return request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(ident.strip()))
    except ValueError:
        # Only a misconfigured proxy chain writes something else there; count the socket instead.
        return request.META.get("REMOTE_ADDR")


class CertificateVerifyThrottle(SimpleRateThrottle):
    """The certificate look-up by number and name (the portal's page and the API share one count per
    client address): enough for a person checking an officer, too few to try names against numbers."""

    scope = "certificate_verify"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


def certificate_verify_allowed(request: HttpRequest) -> tuple[bool, int]:
    """For a page (not a DRF view): counts this request; (allowed, seconds to wait when not)."""
    throttle = CertificateVerifyThrottle()
    if throttle.allow_request(request, None):  # type: ignore[arg-type]  # reads only META, as above
        return True, 0
    return False, max(1, int(throttle.wait() or 1))
