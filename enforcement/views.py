from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from rest_framework import exceptions as api_exceptions

from .access import access_or_404, scope_for
from .audit_catalog import action_filter, audit_actions, audit_object_kind, audit_object_kinds
from .audit_display import AuditEntry, audit_entries, day_start, export_header, export_row
from .fences import fence_rule
from .forms import AuditFilterForm, CertificateForm, FenceSettingForm, SecondmentForm, add_service_errors
from .home import home_panels_for, portal_sections_for
from .http import AuthedHttpRequest
from .inbox import inbox_for, inbox_total
from .maps import map_config, map_layers, map_query_from
from .models import Certificate, District, Role, Unit, User
from .paging import page_context
from .rules import can_view_audit, is_district_admin_of
from .selectors import (
    audit_events_filtered,
    audit_events_for,
    audit_last_check,
    audit_people_for,
    audit_towns_for,
    district_rosters,
    fence_rule_rows,
    team_roster,
)
from .services import certificate_issue, certificate_revoke, fence_setting_change, secondment_create
from .work_cache import work_page

logger = logging.getLogger(__name__)


@login_not_required
@work_page(minute=True)  # signed in only; the desk panel says how long ago a warning was raised
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # the public: the district's portal
        code = request.GET.get("district", "")[:40]
        districts = District.objects.order_by("code")
        district = (districts.filter(code=code).first() if code else None) or districts.first()
        return render(
            request,
            "enforcement/landing.html",
            {
                "district": district,
                "sections": portal_sections_for(request, district) if district is not None else [],
            },
        )
    scope = scope_for(user)
    context: dict[str, Any] = {
        "panels": home_panels_for(request, user),
        "scope": scope,
        "today": timezone.localdate(),
        # A seconded officer works for a town other than their own unit: say which.
        "working_in": list(Unit.objects.filter(pk__in=scope.town_ids - {user.unit_id}).order_by("code")),
    }
    return render(request, "enforcement/home.html", context)


@login_not_required
@never_cache
def language_switch(request: HttpRequest) -> HttpResponse:
    """The top bar's language link: sets the language cookie and goes back to `next` (a page of this site,
    else the home page). A link rather than Django's POST form, so a page without a form carries no CSRF
    token and a public page kept whole in the cache is the same for every visitor (issue 18). Choosing a
    language changes nothing but how the pages read, so a GET may do it (as `?lang=` already does)."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    language = request.GET.get("language", "")
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def inbox(request: AuthedHttpRequest) -> HttpResponse:
    """One list of what waits for the signed-in user, from every app (enforcement.inbox)."""
    sections = inbox_for(request.user)
    return render(
        request,
        "enforcement/inbox.html",
        {"sections": sections, "total": inbox_total(sections), "today": timezone.localdate()},
    )


def team(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.unit is None:
        raise PermissionDenied
    return render(
        request, "enforcement/team.html", {"unit": user.unit, "roster": team_roster(unit=user.unit)}
    )


AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_MAX = 5000


def audit_list(request: AuthedHttpRequest) -> HttpResponse:
    """The audit trail as sentences, filtered by person, town, object and dates; `?export=csv|xlsx` gives the
    filtered rows (at most AUDIT_EXPORT_MAX, newest first) as a file for an inspection of the records."""
    user = request.user
    if not can_view_audit(user):
        raise PermissionDenied
    kinds = [(k.object_type, str(k.label)) for k in audit_object_kinds()]
    form = AuditFilterForm(
        request.GET,
        people=audit_people_for(user=user),
        towns=audit_towns_for(user=user),
        kinds=kinds,
        today=timezone.localdate(),
    )
    if form.is_valid():
        data = form.cleaned_data
        events = audit_events_filtered(
            user=user,
            actor=data["actor"],
            town=data["town"],
            kind=data["kind"],
            obj=data["object"],
            since=day_start(data["date_from"]) if data["date_from"] else None,
            until=day_start(data["date_to"] + dt.timedelta(days=1)) if data["date_to"] else None,
        )
        action = data["action"].strip()
        if action:
            events = events.filter(action_filter(action, prefix=True))
    else:
        events = audit_events_for(user=user).none()
    export = request.GET.get("export", "")
    if export in ("csv", "xlsx"):
        return _audit_export(export, audit_entries(list(events[:AUDIT_EXPORT_MAX])))
    context = page_context(request.GET, events, AUDIT_PAGE_SIZE)
    context["entries"] = audit_entries(context["page"].rows)
    filtered = request.GET.copy()
    filtered.pop("after", None)
    return render(
        request,
        "enforcement/audit_list.html",
        {
            **context,
            "form": form,
            "actions": audit_actions(),
            "last_check": audit_last_check(),
            "export_query": filtered.urlencode(),
            "export_max": AUDIT_EXPORT_MAX,
        },
    )


def _audit_export(fmt: str, entries: list[AuditEntry]) -> HttpResponse:
    from .spreadsheets import table_download

    rows = [export_row(e) for e in entries]
    return table_download([export_header(), *rows], name=f"audit-{timezone.localdate():%Y%m%d}", fmt=fmt)


def audit_object(request: AuthedHttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """Open the page of an audit row's object: only for a reader who sees a row about it; the page itself
    then checks access as always."""
    user = request.user
    if not can_view_audit(user):
        raise PermissionDenied
    if not audit_events_for(user=user).filter(object_type=object_type, object_id=object_id).exists():
        raise Http404
    kind = audit_object_kind(object_type)
    url = kind.url(object_id) if kind is not None and kind.url is not None else None
    if url is None:
        raise Http404
    return redirect(url)


def _district_admin(request: AuthedHttpRequest) -> tuple[User, int]:
    """The district administrator making the request and their district's id; PermissionDenied for anyone
    else."""
    user = request.user
    if user.unit is None or not is_district_admin_of(user, user.unit.district_id):
        raise PermissionDenied
    return user, user.unit.district_id


def officers(request: AuthedHttpRequest) -> HttpResponse:
    """District administrators: every officer of the district with certificate status; issue, revoke,
    second."""
    admin, district_id = _district_admin(request)
    certificate_form = CertificateForm(district_id=district_id, prefix="cert")
    secondment_form = SecondmentForm(district_id=district_id, prefix="sec")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "certificate":
            certificate_form = CertificateForm(request.POST, district_id=district_id, prefix="cert")
            if certificate_form.is_valid():
                data = certificate_form.cleaned_data
                certificate_issue(
                    actor=admin,
                    holder=data["holder"],
                    number=data["number"],
                    issuing_body=data["issuing_body"],
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    domains=data["domains"],
                )
                messages.success(request, _("Certificate %(number)s issued.") % {"number": data["number"]})
                return redirect("officers")
        elif action == "secondment":
            secondment_form = SecondmentForm(request.POST, district_id=district_id, prefix="sec")
            if secondment_form.is_valid():
                data = secondment_form.cleaned_data
                secondment_create(
                    actor=admin,
                    officer=data["officer"],
                    town=data["town"],
                    start=data["start"],
                    end=data["end"],
                    kind=data["kind"],
                    document=data["document"],
                )
                messages.success(request, _("Secondment recorded."))
                return redirect("officers")
        elif action == "revoke":
            certificate = access_or_404(
                Certificate.objects.filter(holder__unit__district_id=district_id),
                pk=request.POST.get("certificate", ""),
            )
            certificate_revoke(actor=admin, certificate=certificate)
            messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
            return redirect("officers")
        else:
            messages.error(request, _("Unknown action."))
    units = (
        Unit.objects.filter(district_id=district_id)
        .exclude(kind=Unit.Kind.DISTRICT_OFFICE)
        .order_by("kind", "code")
    )
    unit_code = request.GET.get("unit", "")
    shown = [u for u in units if not unit_code or u.code == unit_code]
    context = {
        "rosters": district_rosters(district_id=district_id, units=shown),
        "units": units,
        "unit_code": unit_code,
        "certificate_form": certificate_form,
        "secondment_form": secondment_form,
    }
    return render(request, "enforcement/officers.html", context)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No database or Redis here, so an outage of either does not get the web
    processes restarted; /readyz (enforcement.health) says whether they can do their work."""
    return JsonResponse({"ok": True})


# Error pages. A person gets the house layout in their language; anything under /api/ gets JSON in DRF's shape
# and wording, never an HTML page. The 400 and 500 pages use no context processor (no session, user or menu
# lookup), so they still render when the database is what failed.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(request: HttpRequest, detail: object, status: int) -> JsonResponse:
    # The API's one error shape ({detail, errors}; enforcement/api/exceptions.py), plus the id the log
    # carries.
    body: dict[str, object] = {
        "detail": str(detail),
        "errors": {},
        "request_id": getattr(request, "request_id", ""),
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})  # as DRF writes it


def _render_without_context_processors(request: HttpRequest, template: str, status: int) -> HttpResponse:
    context = {
        "request": request,
        "request_id": getattr(request, "request_id", ""),
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "DEMO_DATABASE": settings.DEMO_DATABASE,
        "DEMO_TASKS": settings.DEMO_TASKS,
    }
    try:
        html = loader.get_template(template).render(context)
    except Exception:  # the error page must not fail in turn: say the status in plain HTML
        logger.exception("Rendering %s failed", template)
        html = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(html, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(request, api_exceptions.ParseError.default_detail, 400)
    return _render_without_context_processors(request, "400.html", 400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(request, api_exceptions.PermissionDenied.default_detail, 403)
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(request, api_exceptions.NotFound.default_detail, 404)
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(request, api_exceptions.APIException.default_detail, 500)
    return _render_without_context_processors(request, "500.html", 500)


def fence_rules_page(request: AuthedHttpRequest) -> HttpResponse:
    """District administrators: every fence rule with the parameters in force today, what is scheduled and
    the history of changes; each rule's page takes a change from a date."""
    _admin, district_id = _district_admin(request)
    today = timezone.localdate()
    return render(
        request,
        "enforcement/fence_rules.html",
        {"rows": fence_rule_rows(district_id=district_id, on=today), "today": today},
    )


def fence_rule_page(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """One rule: its description, the setting in force and its history, and the form for a new setting."""
    admin, district_id = _district_admin(request)
    rule = fence_rule(code)
    if rule is None:
        raise Http404
    today = timezone.localdate()
    row = next(r for r in fence_rule_rows(district_id=district_id, on=today) if r["rule"].code == code)
    form = FenceSettingForm(rule=rule, config=row["config"], initial={"effective_from": today})
    status = 200
    if request.method == "POST":
        form = FenceSettingForm(request.POST, rule=rule, config=row["config"])
        if form.is_valid():
            data = form.cleaned_data
            try:
                fence_setting_change(
                    actor=admin,
                    district=admin.unit.district,  # type: ignore[union-attr]  # checked by _district_admin
                    rule=code,
                    effective_from=data["effective_from"],
                    params=form.params(),
                    enabled=bool(data["enabled"]) or rule.locked,
                    severity=data["severity"],
                    note=data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The setting of “%(rule)s” applies from %(date)s.")
                    % {"rule": rule.label, "date": data["effective_from"]},
                )
                return redirect("fence-rule", code=code)
        status = 400
    return render(
        request,
        "enforcement/fence_rule.html",
        {"row": row, "rule": rule, "form": form, "today": today},
        status=status,
    )


def town_map(request: AuthedHttpRequest) -> HttpResponse:
    """The town map: cases, whistles and joint inspections with a place, in the user's scope. The markers come
    from `GET /api/map/markers/` with the same filters; the page itself reads none."""
    kinds, query = map_query_from(request.GET)
    layers = map_layers()
    return render(
        request,
        "enforcement/town_map.html",
        {
            "layers": layers,
            "kinds": kinds or [layer.kind for layer in layers],
            "state": query.state,
            "stage": request.GET.get("stage", "") if query.stage else "",
            "stage_groups": [(layer, layer.stages()) for layer in layers],
            "map": map_config(),
            "limit": query.limit,
            "tiles_note": not settings.MAP_TILE_URL and request.user.has_role(Role.DISTRICT_ADMIN),
        },
    )
