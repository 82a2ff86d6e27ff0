"""Forms that survive a weak signal: the same submission sent twice makes one record.

A form marked `data-offline="queue"` (static/enforcement/offline.js) carries a key its browser made up
(`submission_key`); a submission that could not be sent waits in the phone's outbox and is sent again when the
connection returns, perhaps after the first attempt did reach the server. The view's action and the row that
remembers the key are one transaction, so a key the server knows always points at a result that exists, and a
replay is answered with that result instead of doing the action again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect

from .models import SubmissionKey, User

KEY_FIELD = "submission_key"
# Sent by offline.js when it posts the form itself: the answer is the result's address as JSON instead of a
# redirect, so the flash message waits for the page the officer is taken to.
OUTBOX_HEADER = "X-Zhifa-Outbox"
_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")
_REDIRECTS = frozenset({301, 302, 303})

View = Callable[..., HttpResponseBase]


class _AlreadyAccepted(Exception):
    pass


def _answer(request: HttpRequest, result_url: str) -> HttpResponseBase:
    if request.headers.get(OUTBOX_HEADER) == "1":
        return JsonResponse({"result": result_url})
    return redirect(result_url)


def _accepted(user: User, key: str) -> SubmissionKey | None:
    return SubmissionKey.objects.filter(user=user, key=key).first()


def idempotent_submission(view: View) -> View:
    """Run a form view's POST at most once per (user, submission key); a replay gets the first's result.

    The view answers a success with a redirect (to the new record); that redirect is what a replay gets. A
    POST without a well-formed key (an old page, a script) is handled as before."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.POST.get(KEY_FIELD, "") if request.method == "POST" else ""
        user = request.user
        if not key or not isinstance(user, User) or not _KEY.fullmatch(key):
            return view(request, *args, **kwargs)
        earlier = _accepted(user, key)
        if earlier is not None:
            return _answer(request, earlier.result_url)
        try:
            with transaction.atomic():
                response = view(request, *args, **kwargs)
                if response.status_code in _REDIRECTS:
                    try:
                        with transaction.atomic():
                            SubmissionKey.objects.create(
                                user=user,
                                key=key,
                                path=request.path[:300],
                                result_url=response["Location"][:500],
                            )
                    except IntegrityError as exc:
                        raise _AlreadyAccepted from exc
        except _AlreadyAccepted:
            # The same submission arrived twice at once and the other one committed first: this one's work is
            # rolled back, and so is the message that announced it.
            for _message in messages.get_messages(request):
                pass
            earlier = _accepted(user, key)
            assert earlier is not None
            return _answer(request, earlier.result_url)
        if response.status_code in _REDIRECTS:
            return _answer(request, response["Location"])
        return response

    return wrapped
