"""Pages of the authority list. Thin: read through selectors, write through services.

Public (no login, 公示): the catalog, an item, a town's list as of a date with its history, who enforces,
exports.
District administrators: import, adjustments. Town teams and administrators: the usage evaluation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from enforcement.access import access_or_404
from enforcement.domains import Domain
from enforcement.http import AuthedHttpRequest
from enforcement.models import District, Unit, User
from enforcement.public_cache import public_page

from .exporting import export_columns, export_rows, to_csv, to_xlsx
from .forms import (
    AdjustmentForm,
    AdjustmentLineForm,
    AsOfForm,
    CatalogSearchForm,
    DecisionForm,
    ImportForm,
    ProposeRecoveryForm,
    UsageFilterForm,
    WhoEnforcesForm,
)
from .importing import CatalogFileError, read_catalog
from .models import (
    Adjustment,
    AdjustmentLine,
    AuthorityGrant,
    CatalogHolder,
    EnforcementItem,
    GrantKind,
)
from .penalties import PenaltyKind
from .recovery import adjustment_propose_recovery, open_recovery_drafts
from .rules import (
    can_approve_adjustment,
    can_draft_adjustment,
    can_import_authority,
    can_manage_authority,
    can_propose_recovery,
    can_view_usage,
    usage_town_ids,
)
from .selectors import (
    adjustment_lines,
    adjustments_visible_to,
    catalog_items,
    district_for,
    district_towns,
    grants_active_on,
    holdings_on,
    item_grant_history,
    item_version_on,
    responsible_department,
    town_history,
    town_items_on,
    town_list_version,
    who_enforces,
)
from .services import (
    adjustment_approve,
    adjustment_create,
    adjustment_line_add,
    adjustment_line_remove,
    adjustment_problems,
    adjustment_reject,
    adjustment_update,
    catalog_import,
)
from .usage import HEAT_LEVELS, ItemUsage, UsageStatus, domain_chart, heatmap, items_usage, usage_report

KIND_ORDER = [GrantKind.STATUTORY, GrantKind.EMPOWERED, GrantKind.DELEGATED]


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


def _district(request: HttpRequest) -> District:
    district = district_for(_user(request), request.GET.get("district", ""))
    if district is None:
        raise Http404
    return district


def _on(form: AsOfForm | CatalogSearchForm | UsageFilterForm) -> dt.date:
    return (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()


def _districts() -> list[District]:
    return list(District.objects.order_by("code"))


# --- public -------------------------------------------------------------------------------------------------


@login_not_required
@public_page("district")
def index(request: HttpRequest) -> HttpResponse:
    """权责清单: a district's towns with their lists, the catalog at a glance, recent decisions."""
    district = _district(request)
    today = timezone.localdate()
    towns = list(district_towns(district))
    counts = {
        row["town_id"]: row["total"]
        for row in AuthorityGrant.objects.filter(grants_active_on(today), town__in=towns)
        .order_by()
        .values("town_id")
        .annotate(total=Count("id"))
    }
    per_kind = {
        (row["town_id"], row["kind"]): row["n"]
        for row in AuthorityGrant.objects.filter(grants_active_on(today), town__in=towns)
        .order_by()
        .values("town_id", "kind")
        .annotate(n=Count("id"))
    }
    town_rows = [
        {
            "town": t,
            "total": counts.get(t.pk, 0),
            "kinds": [(k, per_kind.get((t.pk, k.value), 0)) for k in KIND_ORDER],
        }
        for t in towns
    ]
    items = catalog_items(district=district)
    domains = {row["domain"]: row["n"] for row in items.order_by().values("domain").annotate(n=Count("id"))}
    context = {
        "district": district,
        "districts": _districts(),
        "today": today,
        "town_rows": town_rows,
        "item_count": items.count(),
        "district_held": items.filter(held_by=CatalogHolder.DISTRICT).count(),
        "domain_rows": [(d, domains.get(d.value, 0)) for d in Domain if domains.get(d.value)],
        "adjustments": adjustments_visible_to(_user(request), district)[:5],
        "may_manage": can_manage_authority(request.user, district),
    }
    return render(request, "authority/authority_index.html", context)


@login_not_required
@public_page("district", "domain", "kind", "holder", "on", "page")
def item_list(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = CatalogSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    on = data.get("on")
    items = catalog_items(
        district=district,
        q=data.get("q", ""),
        domain=data.get("domain", ""),
        kind=data.get("kind", ""),
        held_by=data.get("holder", ""),
        on=on,
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    holdings = holdings_on(district, on or timezone.localdate())
    town_total = district_towns(district).count()
    rows = [{"item": i, "held": len(holdings.get(i.pk, []))} for i in page.object_list]
    context = {
        "district": district,
        "districts": _districts(),
        "form": form,
        "page": page,
        "rows": rows,
        "town_total": town_total,
        "total": items.count(),
        "query": request.GET.urlencode(),
    }
    return render(request, "authority/item_list.html", context)


@login_not_required
@public_page("on")
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_or_404(EnforcementItem.objects.select_related("district", "default_holder"), pk=pk)
    form = AsOfForm(request.GET or None)
    on = _on(form)
    version = item_version_on(item, on)
    towns = district_towns(item.district)
    holders = [who_enforces(item, town, on) for town in towns]
    versions = list(item.versions.order_by("-version"))
    changes = []
    for newer, older in zip(versions, versions[1:], strict=False):
        keys = [k for k in newer.content if newer.content.get(k) != older.content.get(k)]
        changes.append({"version": newer, "keys": keys, "before": {k: older.content.get(k) for k in keys}})
    content = version.content if version else None
    context = {
        "item": item,
        "form": form,
        "on": on,
        "version": version,
        "content": content,
        "fine_low": Decimal(content["fine_min"]) if content and content.get("fine_min") else None,
        "fine_high": Decimal(content["fine_max"]) if content and content.get("fine_max") else None,
        "penalty_labels": [
            PenaltyKind(k).label for k in (content or {}).get("penalty_kinds", []) if k in PenaltyKind.values
        ],
        "holders": holders,
        "department": responsible_department(item),
        "versions": versions,
        "changes": changes,
        "grants": item_grant_history(item),
    }
    return render(request, "authority/item_detail.html", context)


@login_not_required
@public_page("on")
def town_public(request: HttpRequest, code: str) -> HttpResponse:
    """公示: a town's list as of today or a chosen date, by kind and domain, with the legal basis and
    history.

    The same for every visitor, so its body is kept in the cache, keyed by what changes it (town_list_version:
    grants, catalog, towns), the date asked for, today and the language: one query and a cache read instead of
    ~2,400 template lookups and 157 URL reversals (issue 18). The hour's expiry bounds what the key does not
    see (a unit renamed). The layout around it (top bar, language switch and its CSRF token) is rendered per
    request."""
    town = access_or_404(Unit.objects.select_related("district").filter(kind=Unit.Kind.TOWN), code=code)
    form = AsOfForm(request.GET or None)
    on = _on(form)
    today = timezone.localdate()
    cacheable = set(request.GET) <= {"on", "lang"} and ("on" not in request.GET or form.is_valid())
    key = ""
    body = None
    if cacheable:
        key = (
            "authority:town-page:"
            + hashlib.sha256(
                repr(
                    (
                        town.pk,
                        town_list_version(town),
                        on,
                        today,
                        get_language(),
                        bool(request.GET),
                        request.GET.get("on"),
                    )
                ).encode()
            ).hexdigest()
        )
        body = cache.get(key)
    if body is None:
        body = render_to_string(
            "authority/_town_public_body.html", _town_public_context(town, form, on, today)
        )
        if cacheable:
            cache.set(key, body, TOWN_PAGE_TTL)
    return render(request, "authority/town_public.html", {"town": town, "body": mark_safe(body)})  # noqa: S308


TOWN_PAGE_TTL = 3600


def _town_public_context(town: Unit, form: AsOfForm, on: dt.date, today: dt.date) -> dict[str, Any]:
    grants = list(town_items_on(town, on))
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for kind in KIND_ORDER:
        in_kind = [g for g in grants if g.kind == kind]
        if not in_kind:
            continue
        domains: OrderedDict[StrOrPromise, list[AuthorityGrant]] = OrderedDict()
        for domain in Domain:
            of_domain = [g for g in in_kind if g.item.domain == domain]
            if of_domain:
                domains[domain.label] = of_domain
        groups[kind] = {"label": GrantKind(kind).label, "count": len(in_kind), "domains": domains}
    catalog_total = catalog_items(district=town.district, on=on).count()
    return {
        "town": town,
        "district": town.district,
        "form": form,
        "on": on,
        "today": today,
        "groups": groups,
        "total": len(grants),
        "not_held": max(catalog_total - len(grants), 0),
        "history": town_history(town, limit=300),
        "towns": district_towns(town.district),
    }


@login_not_required
def who(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = WhoEnforcesForm(request.GET or None, district=district)
    holder = None
    if form.is_valid():
        holder = who_enforces(
            form.cleaned_data["item"],
            form.cleaned_data["town"],
            form.cleaned_data["on"] or timezone.localdate(),
        )
    return render(
        request, "authority/who_enforces.html", {"district": district, "form": form, "holder": holder}
    )


@login_not_required
def export(request: HttpRequest) -> HttpResponse:
    """The list as of a date, CSV or XLSX (public: it is the published list)."""
    district = _district(request)
    form = AsOfForm(request.GET or None)
    on = _on(form)
    town = None
    if request.GET.get("town"):
        town = access_or_404(
            Unit.objects.filter(district=district, kind=Unit.Kind.TOWN), code=request.GET["town"]
        )
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    columns = export_columns(town)
    rows = export_rows(district=district, on=on, town=town)
    name = f"authority-{(town or district).code}-{on.isoformat()}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(to_csv(rows, columns), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(rows, columns),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- district administrators --------------------------------------------------------------------------------


def _admin_district(request: AuthedHttpRequest) -> tuple[User, District]:
    user = request.user
    if user.unit is None or not can_manage_authority(user, user.unit.district_id):
        raise PermissionDenied
    return user, user.unit.district


def import_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if user.unit is None or not can_import_authority(user, user.unit.district_id):
        raise PermissionDenied
    district = user.unit.district
    form = ImportForm(district=district)
    errors = None
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, district=district)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_catalog(upload, upload.name)
                report = catalog_import(
                    actor=user,
                    district_code=district.code,
                    rows=rows,
                    town_codes=[t.code for t in form.cleaned_data["towns"]],
                    effective=form.cleaned_data["effective"],
                    document=form.cleaned_data["document"],
                    source=upload.name,
                )
            except CatalogFileError as exc:
                errors = exc.errors
            except ValidationError as exc:
                form.add_error(None, exc)
    status = 400 if errors or form.errors else 200
    context = {"form": form, "district": district, "errors": errors, "report": report}
    return render(request, "authority/import_form.html", context, status=status)


def adjustment_list(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    adjustments = adjustments_visible_to(_user(request), district).annotate(line_count=Count("lines"))
    may_manage = can_manage_authority(request.user, district)
    page = Paginator(adjustments, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "authority/adjustment_list.html",
        {"district": district, "page": page, "may_manage": may_manage},
    )


def _recovery_proposal(request: AuthedHttpRequest, district: District) -> dict[str, str]:
    """The draft a zombie-item fence warning proposes (`?recover=<item>&town=<town>`): its title and note. An
    id that is not a number, or not the district's, proposes nothing."""
    item_id, town_id = request.GET.get("recover", ""), request.GET.get("town", "")
    if not (item_id.isdigit() and town_id.isdigit()):
        return {}
    item = EnforcementItem.objects.filter(pk=int(item_id), district=district).first()
    town = Unit.objects.filter(pk=int(town_id), district=district, kind=Unit.Kind.TOWN).first()
    if item is None or town is None:
        return {}
    names = {"item": f"{item.code} {item.name_zh}", "town": town.name_zh}
    return {
        "title": _("Recover %(item)s from %(town)s") % names,
        "note": _("Proposed by the fence warning on unused items: %(town)s has not used %(item)s.") % names,
    }


def adjustment_new(request: AuthedHttpRequest) -> HttpResponse:
    user, district = _admin_district(request)
    form = AdjustmentForm(request.POST or None, initial=_recovery_proposal(request, district))
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustment_create(actor=user, district=district, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Draft created. Add the items it grants or recovers, then approve it.")
            )
            return redirect("authority-adjustment", pk=adjustment.pk)
    return render(
        request,
        "authority/adjustment_form.html",
        {"form": form, "district": district},
        status=400 if form.errors else 200,
    )


def _document_initial(adjustment: Adjustment) -> dict[str, Any]:
    fields = ("title", "document_number", "document_date", "effective_from", "note")
    return {name: getattr(adjustment, name) for name in fields}


def adjustment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    district = district_for(user)
    if district is None:
        raise Http404
    adjustment = access_or_404(adjustments_visible_to(user, district), pk=pk)
    line_form = AdjustmentLineForm(district=district, prefix="line")
    decision_form = DecisionForm(prefix="decision")
    document_form = AdjustmentForm(prefix="doc", initial=_document_initial(adjustment))
    status = 200
    if request.method == "POST":
        action = request.POST.get("do", "")
        try:
            if action == "edit":
                document_form = AdjustmentForm(request.POST, prefix="doc")
                if document_form.is_valid():
                    adjustment_update(actor=user, adjustment=adjustment, **document_form.cleaned_data)
                    messages.success(request, _("Document details saved."))
                    return redirect("authority-adjustment", pk=adjustment.pk)
                status = 400
            elif action == "add_line":
                line_form = AdjustmentLineForm(request.POST, district=district, prefix="line")
                if line_form.is_valid():
                    data = line_form.cleaned_data
                    lines = adjustment_line_add(
                        actor=user,
                        adjustment=adjustment,
                        action=data["action"],
                        item=data["item"],
                        towns=list(data["towns"]),
                        kind=data["kind"],
                        delegating_department=data["delegating_department"],
                        scope=data["scope"],
                        valid_to=data["valid_to"],
                    )
                    messages.success(request, _("%(n)s line(s) added.") % {"n": len(lines)})
                    return redirect("authority-adjustment", pk=adjustment.pk)
                status = 400
            elif action == "remove_line":
                line = access_or_404(
                    AdjustmentLine.objects.filter(adjustment=adjustment), pk=request.POST.get("line", "")
                )
                adjustment_line_remove(actor=user, line=line)
                messages.success(request, _("Line removed."))
                return redirect("authority-adjustment", pk=adjustment.pk)
            elif action in ("approve", "reject"):
                decision_form = DecisionForm(request.POST, prefix="decision")
                decision_form.is_valid()
                note = decision_form.cleaned_data.get("note", "")
                if action == "approve":
                    adjustment_approve(actor=user, adjustment=adjustment, note=note)
                    messages.success(
                        request,
                        _("Approved. The changes apply from %(date)s.") % {"date": adjustment.effective_from},
                    )
                else:
                    adjustment_reject(actor=user, adjustment=adjustment, note=note)
                    messages.info(request, _("Rejected."))
                return redirect("authority-adjustment", pk=adjustment.pk)
            else:
                messages.error(request, _("Unknown action."))
                status = 400
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
        adjustment.refresh_from_db()
    context = {
        "adjustment": adjustment,
        "lines": adjustment_lines(adjustment),
        "problems": adjustment_problems(adjustment) if adjustment.status == Adjustment.Status.DRAFT else {},
        "may_edit": can_draft_adjustment(user, adjustment),
        "may_approve": can_approve_adjustment(user, adjustment),
        "line_form": line_form,
        "decision_form": decision_form,
        "document_form": document_form,
        "grants_made": adjustment.grants_made.select_related("item", "town").order_by(
            "town__code", "item__code"
        ),
        "grants_ended": adjustment.grants_ended.select_related("item", "town").order_by(
            "town__code", "item__code"
        ),
    }
    return render(request, "authority/adjustment_detail.html", context, status=status)


# --- usage evaluation ---------------------------------------------------------------------------------------


def usage(request: AuthedHttpRequest) -> HttpResponse:
    """赋权事项使用效果评估: uses per item and town, zombie items, most used, what towns asked for."""
    user = request.user
    district = district_for(user)
    if district is None or not can_view_usage(user, district):
        raise PermissionDenied
    allowed = usage_town_ids(user, district)
    towns = district_towns(district)
    if allowed is not None:
        towns = towns.filter(pk__in=allowed)
    # The period has a default (the last 12 months up to today) that the form shows even when the query
    # string names other fields only (?lang=en, ?town=...).
    query = request.GET.copy()
    for key, default in (("months", "12"), ("on", timezone.localdate().isoformat())):
        if not query.get(key):
            query[key] = default
    form = UsageFilterForm(query, towns=towns)
    data = form.cleaned_data if form.is_valid() else {}
    on = data.get("on") or timezone.localdate()
    months = data.get("months") or 12
    town_ids = allowed
    if data.get("town"):
        town_ids = {data["town"].pk}
    report = usage_report(
        district=district,
        end=on,
        months=months,
        town_ids=town_ids,
        kind=data.get("kind", ""),
        domain=data.get("domain", ""),
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        columns = [
            "code",
            "name_zh",
            "domain",
            "town",
            "kind",
            "held_since",
            *[s.key for s in report.use_sources],
            "total",
            "last_used",
            "status",
        ]
        export = [
            {
                "code": r.item.code,
                "name_zh": r.item.name_zh,
                "domain": r.item.domain,
                "town": r.town.code,
                "kind": r.grant.kind,
                "held_since": r.held_since.isoformat(),
                **r.uses,
                "total": r.total,
                "last_used": r.last_used.isoformat() if r.last_used else "",
                "status": r.status,
            }
            for r in report.rows
        ]
        name = f"usage-{district.code}-{on.isoformat()}.{fmt}"
        if fmt == "csv":
            response = HttpResponse(to_csv(export, columns), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                to_xlsx(export, columns, title="usage"),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    items = items_usage(report.rows)
    status_filter = request.GET.get("status", "")
    shown = [e for e in items if _item_matches(e, status_filter)]
    heat_towns = [data["town"]] if data.get("town") else list(towns)
    heat = heatmap(shown, heat_towns, sort=data.get("sort") or "total")
    zombies = [e for e in items if e.is_zombie]
    may_propose = can_propose_recovery(user, district) and report.has_use_sources
    context = {
        "district": district,
        "form": form,
        "report": report,
        "heat": heat,
        "heat_levels": range(1, HEAT_LEVELS + 1),
        "status_filter": status_filter,
        "counts": {
            "items": len(items),
            "used": sum(1 for e in items if e.total),
            "zombies": len(zombies),
            "new": sum(1 for e in items if e.is_new),
            "uses": sum(e.total for e in items),
        },
        "zombies": zombies,
        "open_drafts": open_recovery_drafts(district, [e.item.pk for e in zombies]) if may_propose else {},
        "may_propose": may_propose,
        "by_town": report.by_town(),
        "chart": {**report.chart(), "domains": domain_chart(items)},
        "query": request.GET.urlencode(),
        "export_query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k not in ("format", "status")),
        "on": on,
        "months": months,
        "list_separator": ", " if (get_language() or "").startswith("en") else "、",
        "sort": data.get("sort") or "total",
        "sort_query": {key: _with(request, sort=key) for key in ("total", "code")},
    }
    return render(request, "authority/usage_report.html", context)


def _with(request: HttpRequest, **values: str) -> str:
    """The page's query string with some parameters replaced (a header that re-sorts keeps the filters)."""
    query = request.GET.copy()
    for key, value in values.items():
        query[key] = value
    query.pop("format", None)
    return query.urlencode()


def _item_matches(entry: ItemUsage, status: str) -> bool:
    if status == "zombie":
        return entry.is_zombie
    if status == "active":
        return bool(entry.total)
    if status == "new":
        return entry.is_new
    if status in (UsageStatus.NEVER, UsageStatus.IDLE):
        return entry.is_zombie and any(r.status == status for r in entry.cells.values())
    return True


@require_POST
def usage_propose_recovery(request: AuthedHttpRequest) -> HttpResponse:
    """建议收回: draft an adjustment recovering the chosen zombie items, then edit it. A second click for the
    same items finds the open draft instead of making another."""
    user = request.user
    district = district_for(user)
    if district is None:
        raise PermissionDenied
    form = ProposeRecoveryForm(request.POST)
    back = f"{reverse('authority-usage')}?{request.POST.get('query', '')}"
    if not form.is_valid():
        if not can_propose_recovery(user, district):
            raise PermissionDenied
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        proposal = adjustment_propose_recovery(
            actor=user,
            district=district,
            item_ids=form.cleaned_data["items"],
            end=form.cleaned_data["on"] or timezone.localdate(),
            months=form.cleaned_data["months"] or 12,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    adjustment = proposal.adjustment
    if proposal.created:
        messages.success(
            request,
            _("Draft adjustment created: check the towns and the reason, then number it and submit it."),
        )
    else:
        messages.info(
            request,
            _("These items are already in the open draft “%(title)s”; no second draft was made.")
            % {"title": adjustment.title},
        )
    return redirect("authority-adjustment", pk=adjustment.pk)
