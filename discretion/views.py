"""Pages: the district's benchmark list, one item's benchmark, the editor, publication, the recommendation
tool, import/export, circumstances and rules, and the public pages (published versions only, no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from authority.models import EnforcementItem
from enforcement.domains import Domain
from enforcement.http import AuthedHttpRequest
from enforcement.models import District
from enforcement.public_cache import public_page

from .conditions import conditions_from_json, format_conditions
from .forms import (
    EntryForm,
    EntryFormSet,
    HeaderForm,
    ImportForm,
    LocalFactorForm,
    PolicyForm,
    PublishForm,
    RecommendForm,
    TierForm,
    TierFormSet,
    WithdrawForm,
    entry_initial,
    tier_initial,
)
from .models import Benchmark, LocalFactor
from .recommend import Decision, ProposedPenalty, describe_condition, deviation, recommend, separator
from .rules import (
    can_change_policy,
    can_discard_benchmark,
    can_edit_benchmark,
    can_maintain_district,
    can_maintain_item_benchmark,
    can_publish_benchmark,
    can_withdraw_benchmark,
)
from .selectors import (
    benchmark_get_for,
    benchmark_in_force,
    benchmarks_for_export,
    factor_catalog,
    item_get_for,
    item_overview,
    items_for,
    policy_for,
    public_benchmark,
    public_districts,
    public_items,
    public_versions,
    valid_until,
)
from .services import (
    POLICY_FIELDS,
    BenchmarkInvalid,
    StaleBenchmark,
    benchmark_discard,
    benchmark_draft_create,
    benchmark_generate,
    benchmark_publish,
    benchmark_save,
    benchmark_table_import,
    benchmark_withdraw,
    benchmarks_generate_missing,
    local_factor_save,
    policy_update,
)
from .specs import EntrySpec, Facts, TierSpec
from .tables import export_response
from .validation import Problem
from .vocabulary import FACTS, STANDARD_FACTORS, Effect


def _district(request: AuthedHttpRequest) -> District:
    user = request.user
    if user.unit is None:
        raise PermissionDenied
    return user.unit.district


def _words(conditions: list[Any], catalog: dict[str, Any]) -> str:
    lang = translation.get_language() or "zh-hans"
    return separator().join(describe_condition(c, catalog, lang) for c in conditions)


def tiers_display(benchmark: Benchmark) -> list[dict[str, Any]]:
    """Each tier with its structured conditions in words (for people) and in the text form (for
    maintainers)."""
    catalog = factor_catalog(benchmark.item.district_id, benchmark.item_id)
    rows = []
    for t in benchmark.tiers.all():
        conditions = conditions_from_json(t.conditions)
        rows.append({"tier": t, "dsl": format_conditions(conditions), "words": _words(conditions, catalog)})
    return rows


def entries_display(benchmark: Benchmark) -> list[dict[str, Any]]:
    catalog = factor_catalog(benchmark.item.district_id, benchmark.item_id)
    lang = translation.get_language() or "zh-hans"
    rows = []
    for e in benchmark.entries.all():
        conditions = conditions_from_json(e.conditions)
        rows.append(
            {
                "entry": e,
                "dsl": format_conditions(conditions),
                "words": _words(conditions, catalog),
                "required": [catalog[c].name_for(lang) if c in catalog else c for c in e.required_factors],
            }
        )
    return rows


def range_bars(item: EnforcementItem, benchmark: Benchmark) -> list[dict[str, Any]]:
    """Where each tier's fine range sits inside the statutory range, in percent, for a small picture."""
    top = item.fine_max or max(
        (t.fine_max for t in benchmark.tiers.all() if t.fine_max is not None), default=None
    )
    base = item.fine_min or 0
    if not top or top <= base:
        return []
    span = top - base
    bars = []
    for tier in benchmark.tiers.all():
        if tier.fine_min is None or tier.fine_max is None:
            continue
        left = max(float((tier.fine_min - base) / span * 100), 0.0)
        width = max(float((tier.fine_max - tier.fine_min) / span * 100), 1.0)
        bars.append(
            {"tier": tier, "left": round(min(left, 99.0), 2), "width": round(min(width, 100 - left), 2)}
        )
    return bars


# --- the district's list ------------------------------------------------------------------------------------


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("discretion-public-list")
    user = request.user
    items = items_for(user=user).order_by("code")
    domain = request.GET.get("domain", "")
    query = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    if domain:
        items = items.filter(domain=domain)
    if query:
        items = items.filter(
            Q(code__icontains=query) | Q(name_zh__icontains=query) | Q(name_en__icontains=query)
        )
    overview = item_overview(items)
    counts = {
        "all": len(overview),
        "published": sum(1 for o in overview if o["current"] and not o["generated"]),
        "generated": sum(1 for o in overview if o["generated"]),
        "missing": sum(1 for o in overview if o["current"] is None),
        "draft": sum(1 for o in overview if o["draft"]),
    }
    if state == "published":
        overview = [o for o in overview if o["current"] and not o["generated"]]
    elif state == "generated":
        overview = [o for o in overview if o["generated"]]
    elif state == "missing":
        overview = [o for o in overview if o["current"] is None]
    elif state == "draft":
        overview = [o for o in overview if o["draft"]]
    page = Paginator(overview, 50).get_page(request.GET.get("page"))
    district_id = user.unit.district_id if user.unit else 0
    return render(
        request,
        "discretion/benchmark_list.html",
        {
            "page": page,
            "counts": counts,
            "domains": Domain.choices,
            "domain": domain,
            "q": query,
            "state": state,
            "maintainer": can_maintain_district(user, district_id),
            "district": user.unit.district if user.unit else None,
        },
    )


# --- one item -----------------------------------------------------------------------------------------------


def item_detail(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = item_get_for(user=user, pk=item_id)
    current = benchmark_in_force(item)
    return _benchmark_page(request, item, current)


def benchmark_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    benchmark = benchmark_get_for(user=request.user, pk=pk)
    return _benchmark_page(request, benchmark.item, benchmark)


def _benchmark_page(
    request: AuthedHttpRequest, item: EnforcementItem, shown: Benchmark | None
) -> HttpResponse:
    user = request.user
    versions = list(Benchmark.objects.filter(item=item).order_by("-version"))
    draft = next((v for v in versions if v.status == Benchmark.Status.DRAFT), None)
    in_force = benchmark_in_force(item)
    until = valid_until(versions)
    context = {
        "item": item,
        "benchmark": shown,
        "in_force": in_force,
        "versions": [(v, until.get(v.pk)) for v in versions],
        "draft": draft,
        "tiers": tiers_display(shown) if shown else [],
        "entries": entries_display(shown) if shown else [],
        "bars": range_bars(item, shown) if shown else [],
        "can_maintain": can_maintain_item_benchmark(user, item),
        "can_edit": shown is not None and can_edit_benchmark(user, shown),
        "can_publish": shown is not None and can_publish_benchmark(user, shown),
        "can_withdraw": shown is not None and can_withdraw_benchmark(user, shown),
        "can_discard": shown is not None and can_discard_benchmark(user, shown),
        "withdraw_form": WithdrawForm(),
        "public_url": reverse("discretion-public-item", args=[item.district.code, item.code])
        if in_force is not None and in_force.status == Benchmark.Status.PUBLISHED
        else "",
    }
    return render(request, "discretion/benchmark_detail.html", context)


@require_POST
def draft_create(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = item_get_for(user=user, pk=item_id)
    source = None
    if request.POST.get("source"):
        source = benchmark_get_for(user=user, pk=request.POST["source"])
    if not can_maintain_item_benchmark(user, item):
        raise PermissionDenied
    existing = Benchmark.objects.filter(item=item, status=Benchmark.Status.DRAFT).first()
    if existing is not None:
        return redirect("discretion-edit", pk=existing.pk)
    try:
        draft = benchmark_draft_create(actor=user, item=item, source=source)
    except (BenchmarkInvalid, StaleBenchmark):
        messages.error(request, _("A draft could not be started; someone else may have just started one."))
        return redirect("discretion-item", item_id=item.pk)
    messages.success(
        request, _("Draft version %(version)s started from the table in force.") % {"version": draft.version}
    )
    return redirect("discretion-edit", pk=draft.pk)


@require_POST
def generate(request: AuthedHttpRequest, item_id: int) -> HttpResponse:
    user = request.user
    item = item_get_for(user=user, pk=item_id)
    benchmark_generate(actor=user, item=item)
    messages.success(
        request, _("A default table was generated from the statutory range. Check it and confirm it.")
    )
    return redirect("discretion-item", item_id=item.pk)


@require_POST
def generate_missing(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    created = benchmarks_generate_missing(actor=user, district=_district(request))
    messages.success(request, _("%(count)s default table(s) generated.") % {"count": len(created)})
    return redirect("discretion-home")


# --- the editor ---------------------------------------------------------------------------------------------


def _map_problems(
    problems: list[Any],
    header: HeaderForm,
    tier_forms: list[TierForm],
    entry_forms: list[EntryForm],
    tier_index: list[int],
    entry_index: list[int],
) -> None:
    for problem in problems:
        if problem.section == "tier" and problem.index is not None and problem.index < len(tier_index):
            form = tier_forms[tier_index[problem.index]]
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, problem.message)
        elif problem.section == "entry" and problem.index is not None and problem.index < len(entry_index):
            form = entry_forms[entry_index[problem.index]]
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, problem.message)
        else:
            header.add_error(problem.field if problem.field in header.fields else None, problem.message)


def _form_problems(
    header: HeaderForm, tier_forms: list[TierForm], entry_forms: list[EntryForm]
) -> list[Problem]:
    """Errors of the forms themselves (a condition that does not parse, an amount that is not a number), for
    the summary at the top of the editor; each message says which row it is about."""
    problems: list[Problem] = []
    for message in header.non_field_errors():
        problems.append(Problem("benchmark", str(message)))
    for name, errors in header.errors.items():
        if name != "__all__":
            problems += [Problem("benchmark", f"{header.fields[name].label}: {e}") for e in errors]
    for section, forms_, label in (
        ("tier", tier_forms, _("Tier row %(n)s")),
        ("entry", entry_forms, _("List row %(n)s")),
    ):
        for n, form in enumerate(forms_, start=1):
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                prefix = label % {"n": n} + (f" · {field.label}" if field is not None else "")
                problems += [Problem(section, f"{prefix}: {e}", n - 1, name) for e in errors]
    return problems


def benchmark_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    benchmark = benchmark_get_for(user=user, pk=pk)
    if not can_edit_benchmark(user, benchmark):
        raise PermissionDenied
    item = benchmark.item
    catalog = factor_catalog(item.district_id, item.pk)
    form_kwargs = {"catalog": catalog, "kinds": list(item.penalty_kinds or [])}
    problems: list[Any] = []
    checked = False
    if request.method == "POST":
        header = HeaderForm(request.POST)
        tiers = TierFormSet(request.POST, prefix="tier", form_kwargs=form_kwargs)
        entries = EntryFormSet(request.POST, prefix="entry", form_kwargs={"catalog": catalog})
        valid = header.is_valid() & tiers.is_valid() & entries.is_valid()
        if not valid:
            problems = _form_problems(header, tiers.forms, entries.forms)
        else:
            tier_specs: list[TierSpec] = []
            entry_specs: list[EntrySpec] = []
            tier_index: list[int] = []
            entry_index: list[int] = []
            for n, tier_form in enumerate(tiers.forms):
                tier = tier_form.spec()
                if tier is not None:
                    tier_specs.append(tier)
                    tier_index.append(n)
            for n, entry_form in enumerate(entries.forms):
                entry = entry_form.spec()
                if entry is not None:
                    entry_specs.append(entry)
                    entry_index.append(n)
            if request.POST.get("action") == "check":
                from .services import check_table

                problems = check_table(item, header.cleaned_data["scale"], tier_specs, entry_specs)
                checked = True
                _map_problems(problems, header, tiers.forms, entries.forms, tier_index, entry_index)
            else:
                try:
                    benchmark_save(
                        actor=user,
                        benchmark=benchmark,
                        scale=header.cleaned_data["scale"],
                        tiers=tier_specs,
                        entries=entry_specs,
                        basis=header.cleaned_data.get("basis", ""),
                        note=header.cleaned_data.get("note", ""),
                        expected_updated_at=header.cleaned_data.get("updated_at"),
                    )
                except BenchmarkInvalid as exc:
                    problems = exc.problems
                    _map_problems(problems, header, tiers.forms, entries.forms, tier_index, entry_index)
                except StaleBenchmark:
                    messages.error(
                        request,
                        _(
                            "Someone else changed or published this table meanwhile. Reload it and "
                            "make your changes again."
                        ),
                    )
                else:
                    messages.success(request, _("Saved. The table has no problems."))
                    return redirect("discretion-benchmark", pk=benchmark.pk)
    else:
        header = HeaderForm(
            initial={
                "scale": benchmark.scale,
                "basis": benchmark.basis,
                "note": benchmark.note,
                "updated_at": benchmark.updated_at,
            }
        )
        tiers = TierFormSet(prefix="tier", initial=tier_initial(benchmark), form_kwargs=form_kwargs)
        entries = EntryFormSet(
            prefix="entry", initial=entry_initial(benchmark), form_kwargs={"catalog": catalog}
        )
    return render(
        request,
        "discretion/benchmark_edit.html",
        {
            "benchmark": benchmark,
            "item": item,
            "header": header,
            "tiers": tiers,
            "entries": entries,
            "problems": problems,
            "checked": checked,
            "facts": FACTS,
            "factors": list(catalog.values()),
        },
    )


def benchmark_publish_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    benchmark = benchmark_get_for(user=user, pk=pk)
    if not can_publish_benchmark(user, benchmark):
        raise PermissionDenied
    problems: list[Any] = []
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                benchmark_publish(actor=user, benchmark=benchmark, **form.cleaned_data)
            except BenchmarkInvalid as exc:
                problems = exc.problems
                for problem in problems:
                    form.add_error(problem.field if problem.field in form.fields else None, problem.message)
            except StaleBenchmark:
                messages.error(request, _("Someone else published or changed this table meanwhile."))
                return redirect("discretion-benchmark", pk=pk)
            else:
                messages.success(
                    request,
                    _("Published. It applies from %(date)s.") % {"date": form.cleaned_data["valid_from"]},
                )
                return redirect("discretion-benchmark", pk=pk)
    else:
        today = timezone.localdate()
        form = PublishForm(initial={"document_date": today, "valid_from": today})
    return render(
        request,
        "discretion/benchmark_publish.html",
        {"benchmark": benchmark, "item": benchmark.item, "form": form, "problems": problems},
    )


@require_POST
def benchmark_withdraw_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    benchmark = benchmark_get_for(user=user, pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the benchmark is withdrawn."))
        return redirect("discretion-benchmark", pk=pk)
    try:
        benchmark_withdraw(actor=user, benchmark=benchmark, reason=form.cleaned_data["reason"])
    except StaleBenchmark:
        messages.error(request, _("This version is no longer published."))
    else:
        messages.success(request, _("Withdrawn. The previous version applies again from its own date."))
    return redirect("discretion-benchmark", pk=pk)


@require_POST
def benchmark_discard_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    benchmark = benchmark_get_for(user=user, pk=pk)
    item_id = benchmark.item_id
    try:
        benchmark_discard(actor=user, benchmark=benchmark)
    except StaleBenchmark:
        messages.error(request, _("Only a draft can be discarded."))
        return redirect("discretion-benchmark", pk=pk)
    messages.success(request, _("Draft discarded."))
    return redirect("discretion-item", item_id=item_id)


# --- recommendation tool ------------------------------------------------------------------------------------


def recommend_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    items = items_for(user=user).order_by("domain", "code")
    district_id = user.unit.district_id if user.unit else None
    catalog = factor_catalog(district_id)
    data = request.POST if request.method == "POST" else (request.GET if request.GET.get("item") else None)
    form = RecommendForm(data, items=items, catalog=catalog)
    result: dict[str, Any] = {}
    if data is not None and form.is_valid():
        item = form.cleaned_data["item"]
        codes = frozenset(
            c for c in form.cleaned_data["factors"] if c in factor_catalog(item.district_id, item.pk)
        )
        facts = Facts(
            on=form.cleaned_data.get("on") or timezone.localdate(),
            values=form.facts_values(),
            factors=codes,
            act_date=form.cleaned_data.get("act_date"),
            identifier=form.cleaned_data.get("identifier") or "",
        )
        rec = recommend(item, facts)
        other = "en" if (translation.get_language() or "").startswith("zh") else "zh-hans"
        result = {
            "rec": rec,
            "summary": rec.summary(),
            "explanation": rec.explain(),
            "other_lang": other,
            "other_summary": rec.summary(other),
            "other_explanation": rec.explain(other),
            "citation": rec.citation.text(),
        }
        punish = form.cleaned_data.get("proposed_punish")
        if punish:
            proposed = ProposedPenalty(
                punish=punish == "yes",
                kinds=tuple(form.cleaned_data.get("proposed_kinds") or ()),
                fine=form.cleaned_data.get("proposed_fine"),
                reason=form.cleaned_data.get("proposed_reason") or "",
            )
            result["deviation"] = deviation(Decision(rec, proposed))
    template = (
        "discretion/_recommendation.html" if getattr(request, "htmx", False) else "discretion/recommend.html"
    )
    return render(request, template, {"form": form, "result": result})


# --- import / export ----------------------------------------------------------------------------------------


def export_view(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _district(request)
    benchmarks = benchmarks_for_export(
        request.user, request.GET.get("which", "current"), request.GET.get("domain", "")
    )
    return export_response(benchmarks, fmt)


def import_view(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    district = _district(request)
    if not can_maintain_district(user, district.pk):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = benchmark_table_import(
                actor=user,
                district=district,
                content=upload.read(),
                filename=upload.name,
                publish=form.cleaned_data["publish"],
                dry_run=form.cleaned_data["dry_run"],
            )
            if report.ok and not report.dry_run:
                messages.success(request, _("%(count)s table(s) imported.") % {"count": len(report.results)})
    else:
        form = ImportForm()
    refused = bool(form.errors) or (report is not None and not report.ok)
    return render(
        request,
        "discretion/benchmark_import.html",
        {"form": form, "report": report, "district": district},
        status=400 if refused else 200,
    )


# --- circumstances and rules --------------------------------------------------------------------------------


def circumstances(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    district = _district(request)
    maintainer = can_maintain_district(user, district.pk)
    admin = can_change_policy(user, district.pk)
    factor_form = LocalFactorForm(prefix="factor")
    policy_form = PolicyForm(prefix="policy", initial=policy_for(district.pk).__dict__)
    problems: list[Any] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "factor":
                factor_form = LocalFactorForm(request.POST, prefix="factor")
                if factor_form.is_valid():
                    local_factor_save(actor=user, district=district, **factor_form.cleaned_data)
                    messages.success(request, _("Circumstance saved."))
                    return redirect("discretion-circumstances")
            elif request.POST.get("action") == "policy":
                policy_form = PolicyForm(request.POST, prefix="policy")
                if policy_form.is_valid():
                    policy_update(
                        actor=user,
                        district=district,
                        **{f: policy_form.cleaned_data[f] for f in POLICY_FIELDS},
                    )
                    messages.success(request, _("Rules saved. New generated defaults use them."))
                    return redirect("discretion-circumstances")
        except BenchmarkInvalid as exc:
            problems = exc.problems
    locals_ = LocalFactor.objects.filter(district=district).select_related("item").order_by("effect", "code")
    standard_groups: dict[str, list[Any]] = {}
    for spec in STANDARD_FACTORS:
        standard_groups.setdefault(str(Effect(spec.effect).label), []).append(spec)
    return render(
        request,
        "discretion/circumstances.html",
        {
            "standard_groups": standard_groups,
            "locals": locals_,
            "facts": FACTS,
            "maintainer": maintainer,
            "admin": admin,
            "factor_form": factor_form,
            "policy_form": policy_form,
            "problems": problems,
            "policy": policy_for(district.pk),
        },
    )


# --- public -------------------------------------------------------------------------------------------------


@login_not_required
@public_page("district", "domain", "page")
def public_list(request: HttpRequest) -> HttpResponse:
    districts = list(public_districts())
    code = request.GET.get("district") or (districts[0].code if districts else "")
    district = next((d for d in districts if d.code == code), None)
    items = public_items(district) if district else EnforcementItem.objects.none()
    domain = request.GET.get("domain", "")
    query = request.GET.get("q", "").strip()
    if domain:
        items = items.filter(domain=domain)
    if query:
        items = items.filter(
            Q(code__icontains=query) | Q(name_zh__icontains=query) | Q(name_en__icontains=query)
        )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "discretion/public_list.html",
        {
            "districts": districts,
            "district": district,
            "page": page,
            "domains": Domain.choices,
            "domain": domain,
            "q": query,
        },
    )


@login_not_required
@public_page()
def public_item(request: HttpRequest, district_code: str, item_code: str) -> HttpResponse:
    item, benchmark = public_benchmark(district_code, item_code)
    versions = list(public_versions(item))
    until = valid_until(versions)
    return render(
        request,
        "discretion/public_item.html",
        {
            "item": item,
            "benchmark": benchmark,
            "tiers": tiers_display(benchmark),
            "entries": entries_display(benchmark),
            "bars": range_bars(item, benchmark),
            "versions": [(v, until.get(v.pk)) for v in versions],
            "public": True,
        },
    )
