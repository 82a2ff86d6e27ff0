"""Pages for matching: the try-it page, the as-you-type partial, the rule editor and the lexicon."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from authority.models import EnforcementItem, LexiconEntry, MatchRule
from authority.selectors import district_for
from enforcement.forms import add_service_errors
from enforcement.http import AuthedHttpRequest
from enforcement.models import District, Unit, User

from . import services
from .forms import AskForm, LexiconForm, RuleForm, TryForm
from .loader import matcher_for
from .rules import can_edit_lexicon, can_edit_match_rules, can_match_in, can_view_match_rules
from .selectors import (
    items_with_rules,
    lexicon_rows,
    match_for_town,
    match_in_district,
    rules_of,
    towns_for_matching,
)

TRY_EXAMPLES = [
    "楼下烧烤摊天天占道经营，油烟熏得窗户都是油",
    "電瓶車停在樓道裡充電，很危險",
    "Someone keeps blocking the fire exit of the mall with boxes",
    "工地晚上12点还在打桩，还没有施工许可证",
    "邻居借了我两万块钱一直不还",
]


def _district(request: AuthedHttpRequest) -> District:
    user = request.user
    if user.unit is None or not can_match_in(user, user.unit.district_id):
        raise PermissionDenied
    return user.unit.district


def _default_town(user: User, towns: QuerySet[Unit]) -> Unit | None:
    if user.unit is not None and user.unit.kind == Unit.Kind.TOWN:
        return user.unit
    return towns.first()


def _try_form(request: AuthedHttpRequest, district: District, data: Any | None) -> TryForm:
    towns = towns_for_matching(district.pk)
    user = request.user
    default = _default_town(user, towns)
    if data is not None and "town" not in data and default is not None:
        data = data.copy()
        data["town"] = default.code
    return TryForm(data, towns=towns, initial={"town": default.code if default else None})


def try_page(request: AuthedHttpRequest) -> HttpResponse:
    """试一试: type a description, see the items it points to and who enforces them."""
    district = _district(request)
    form = _try_form(request, district, request.GET if request.GET.get("text") else None)
    outcome = None
    if form.is_bound and form.is_valid() and form.cleaned_data["text"].strip():
        outcome = match_for_town(
            text=form.cleaned_data["text"],
            town=form.cleaned_data["town"],
            on=form.cleaned_data["date"],
            with_weak=True,
        )
    return render(
        request,
        "authority/matching/try.html",
        {
            "form": form,
            "outcome": outcome,
            "district": district,
            "examples": TRY_EXAMPLES,
            "can_edit": can_edit_match_rules(request.user, district),
        },
    )


@require_http_methods(["GET", "POST"])
def suggest(request: AuthedHttpRequest) -> HttpResponse:
    """The reusable as-you-type partial. Parameters: text, town (code), date, and optionally `pick` (the name
    of an input of the embedding form that a click on a candidate fills with its code) and `weak=1` (show
    weaker ones)."""
    district = _district(request)
    data: QueryDict = request.POST if request.method == "POST" else request.GET
    source = data.get("text_field")
    if source and source != "text":
        data = data.copy()
        data["text"] = data.get(source, "")
    form = _try_form(request, district, data)
    context: dict[str, Any] = {
        "form": form,
        "outcome": None,
        "pick": (data.get("pick") or "")[:60],
        "show_weak": data.get("weak") == "1",
    }
    if form.is_valid() and form.cleaned_data["text"].strip():
        context["outcome"] = match_for_town(
            text=form.cleaned_data["text"],
            town=form.cleaned_data["town"],
            on=form.cleaned_data["date"],
            with_weak=context["show_weak"],
        )
    return render(request, "authority/matching/_suggestions.html", context)


def rule_index(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    if not can_view_match_rules(request.user, district):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(items_with_rules(district_id=district.pk, query=query), 50).get_page(
        request.GET.get("page")
    )
    matcher = matcher_for(district.pk)
    return render(
        request,
        "authority/matching/rule_index.html",
        {
            "district": district,
            "page": page,
            "q": query,
            "matcher": matcher,
            "can_edit": can_edit_match_rules(request.user, district),
        },
    )


def _item_for(request: AuthedHttpRequest, pk: int) -> tuple[District, EnforcementItem]:
    district = _district(request)
    if not can_view_match_rules(request.user, district):
        raise PermissionDenied
    item = get_object_or_404(EnforcementItem, pk=pk, district=district)
    return district, item


def item_rules(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    district, item = _item_for(request, pk)
    can_edit = can_edit_match_rules(request.user, district)
    form = RuleForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.match_rule_create(actor=request.user, item=item, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Rule added. It applies to the next description matched."))
                return redirect("matching:item-rules", pk=item.pk)
    return _item_page(request, district, item, form, can_edit)


def _item_page(
    request: AuthedHttpRequest,
    district: District,
    item: EnforcementItem,
    form: RuleForm,
    can_edit: bool,
    status: int = 200,
) -> HttpResponse:
    matcher = matcher_for(district.pk)
    try_form = _try_form(request, district, None)
    return render(
        request,
        "authority/matching/item_rules.html",
        {
            "district": district,
            "item": item,
            "rules": rules_of(item),
            "form": form,
            "can_edit": can_edit,
            "derived": matcher.item_terms(item.pk, limit=40),
            "matcher": matcher,
            "try_form": try_form,
            "kinds": MatchRule.Kind,
        },
        status=status,
    )


@require_POST
def item_try(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The rule editor's try-it box: the full ranking and the terms that fire for this item."""
    district, item = _item_for(request, pk)
    form = _try_form(request, district, request.POST)
    context: dict[str, Any] = {"item": item, "form": form, "outcome": None, "own": None, "rank": None}
    if form.is_valid() and form.cleaned_data["text"].strip():
        args = {
            "text": form.cleaned_data["text"],
            "town": form.cleaned_data["town"],
            "on": form.cleaned_data["date"],
        }
        outcome = match_for_town(**args, with_weak=True, limit=10)
        own = match_for_town(**args, with_weak=True, only_item=item.pk, limit=1)
        ranked = [m.candidate.code for m in outcome.matched + outcome.weak]
        context.update(
            outcome=outcome,
            own=(own.matched + own.weak)[:1],
            rank=ranked.index(item.code) + 1 if item.code in ranked else None,
        )
    return render(request, "authority/matching/_item_try.html", context)


def _rule_for(request: AuthedHttpRequest, pk: int) -> MatchRule:
    district = _district(request)
    rule = get_object_or_404(MatchRule.objects.select_related("item"), pk=pk, item__district=district)
    if not can_edit_match_rules(request.user, district):
        raise PermissionDenied
    return rule


@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = _rule_for(request, pk)
    form = RuleForm(
        request.POST or None,
        instance=MatchRule(
            item=rule.item, kind=rule.kind, pattern=rule.pattern, weight=rule.weight, note=rule.note
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.match_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("matching:item-rules", pk=rule.item_id)
    return render(request, "authority/matching/rule_form.html", {"rule": rule, "form": form})


@require_POST
def rule_toggle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = _rule_for(request, pk)
    services.match_rule_update(actor=request.user, rule=rule, is_active=not rule.is_active)
    messages.success(request, _("Rule switched on.") if not rule.is_active else _("Rule switched off."))
    return redirect("matching:item-rules", pk=rule.item_id)


@require_POST
def rule_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rule = _rule_for(request, pk)
    item_id = rule.item_id
    services.match_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Rule deleted."))
    return redirect("matching:item-rules", pk=item_id)


@require_http_methods(["GET", "POST"])
def lexicon(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    if not can_view_match_rules(request.user, district):
        raise PermissionDenied
    can_edit = can_edit_lexicon(request.user, district)
    initial = {
        "term": request.GET.get("term", "")[:120],
        "canonical": request.GET.get("canonical", "")[:200],
        "lang": request.GET.get("lang", "zh")[:8],
    }
    form = LexiconForm(initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = LexiconForm(request.POST)
        if form.is_valid():
            try:
                services.lexicon_entry_create(actor=request.user, district=district, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Lexicon entry added. It applies to the next description matched.")
                )
                return redirect("matching:lexicon")
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(lexicon_rows(district_id=district.pk, query=query), 60).get_page(request.GET.get("page"))
    return render(
        request,
        "authority/matching/lexicon.html",
        {
            "district": district,
            "page": page,
            "q": query,
            "form": form,
            "can_edit": can_edit,
        },
        status=400 if form.errors else 200,
    )


def _entry_for(request: AuthedHttpRequest, pk: int) -> LexiconEntry:
    district = _district(request)
    entry = get_object_or_404(LexiconEntry, pk=pk, district=district)
    if not can_edit_lexicon(request.user, district):
        raise PermissionDenied
    return entry


@require_http_methods(["GET", "POST"])
def lexicon_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    form = LexiconForm(
        request.POST or None,
        instance=LexiconEntry(term=entry.term, canonical=entry.canonical, lang=entry.lang, note=entry.note),
    )
    form.fields["term"].disabled = True
    form.fields["lang"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.lexicon_entry_update(
                actor=request.user,
                entry=entry,
                canonical=form.cleaned_data["canonical"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Lexicon entry saved."))
            return redirect("matching:lexicon")
    return render(request, "authority/matching/lexicon_form.html", {"entry": entry, "form": form})


@require_POST
def lexicon_toggle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    services.lexicon_entry_update(actor=request.user, entry=entry, is_active=not entry.is_active)
    return redirect("matching:lexicon")


@require_POST
def lexicon_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = _entry_for(request, pk)
    services.lexicon_entry_delete(actor=request.user, entry=entry)
    messages.success(request, _("Lexicon entry deleted."))
    return redirect("matching:lexicon")


@login_not_required
def ask(request: HttpRequest) -> HttpResponse:
    """Who enforces this? A question in one's own words (夜市摆摊, "someone is burning rubbish") answered
    with the items it points to, the words that led there, a confidence in words and who holds each item in
    the chosen town on the date. Public, like the catalog; `partial=1` renders the answer alone, for the
    catalog search to show beside its literal results."""
    user = request.user if request.user.is_authenticated else None
    district = district_for(user, request.GET.get("district", ""))
    if district is None:
        raise Http404
    towns = towns_for_matching(district.pk)
    first_town = towns.first()
    data: QueryDict | None = request.GET if "q" in request.GET else None
    if data is not None and not data.get("town") and first_town is not None:
        data = data.copy()
        data["town"] = first_town.code  # the answer names a town: the first, until another is chosen
    form = AskForm(data, towns=towns, initial={"town": first_town.code if first_town else None})
    outcome = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        outcome = match_in_district(
            text=form.cleaned_data["q"],
            district_id=district.pk,
            town=form.cleaned_data["town"] or first_town,
            on=form.cleaned_data["on"] or timezone.localdate(),
        )
    partial = bool(request.GET.get("partial"))
    context = {
        "form": form,
        "outcome": outcome,
        "district": district,
        "examples": ASK_EXAMPLES,
        "partial": partial,
    }
    if partial:
        return render(request, "authority/matching/_ask_answer.html", context)
    return render(request, "authority/matching/ask.html", context)


ASK_EXAMPLES = ["夜市摆摊", "有人在河里电鱼", "工地半夜打桩", "Someone is burning rubbish behind the market"]
