"""The public page of a town's published penalty decisions (行政处罚决定公开, art 48): no login, redacted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.access import access_or_404
from enforcement.http import AuthedHttpRequest
from enforcement.models import Unit

from .. import rules
from ..publication import publication_withdraw
from ..published import published_for, redacted
from ..selectors import case_get_for


@login_not_required
@require_GET
def town_decisions(request: HttpRequest, code: str) -> HttpResponse:
    town = access_or_404(Unit.objects.select_related("district").filter(kind=Unit.Kind.TOWN), code=code)
    page = Paginator(published_for(town), 20).get_page(request.GET.get("page"))
    rows = [redacted(case) for case in page.object_list]
    return render(request, "cases/public_decisions.html", {"town": town, "page": page, "rows": rows})


@login_required
@require_POST
def publication_withdraw_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = case_get_for(user=request.user, pk=pk)
    if not rules.can_withdraw_publication(request.user, case):
        raise PermissionDenied
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(
            request, _("Say why the publication is withdrawn (the decision was changed or revoked).")
        )
    else:
        try:
            publication_withdraw(actor=request.user, case=case, reason=reason)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The decision is no longer published; the reason is kept on the case.")
            )
    return redirect(case.get_absolute_url())
