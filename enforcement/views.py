from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .access import scope_for
from .home import home_panels_for
from .models import User
from .rules import can_view_audit
from .selectors import audit_events_for, team_roster


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "enforcement/landing.html")
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {
        "panels": home_panels_for(request, user),
        "scope": scope_for(user),
        "today": timezone.localdate(),
    }
    return render(request, "enforcement/home.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.unit is None:
        raise PermissionDenied
    return render(request, "enforcement/team.html", {"unit": user.unit, "roster": team_roster(unit=user.unit)})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can_view_audit(user):
        raise PermissionDenied
    events = audit_events_for(user=user)
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/audit_list.html", {"page": page, "action": action})


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
