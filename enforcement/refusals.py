"""A refused step on a page: the one way every app shows InvalidTransition and StaleObject to a person.

The API answers them 409 through its exception handler; a page says why in a warning (the refusal's own
sentence) and shows the object as it is now (for htmx, a plain 409 with the same sentence).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from .workflow import InvalidTransition, StaleObject


def refusal_text(exc: InvalidTransition | StaleObject) -> str:
    if isinstance(exc, StaleObject):
        reason = str(exc) or _("Someone else changed it first; nothing was done.")
    else:
        reason = str(exc) or _("That step is not possible now.")
    return f"{reason} {_('Here is its current state.')}"


def show_refusal(request: HttpRequest, exc: InvalidTransition | StaleObject, *, back_to: str) -> HttpResponse:
    """Warn and go back to the object's page (`back_to`, its URL)."""
    text = refusal_text(exc)
    if getattr(request, "htmx", False):
        return HttpResponse(text, status=409, content_type="text/plain; charset=utf-8")
    messages.warning(request, text)
    return HttpResponseRedirect(back_to)
