"""What signed-in people see, kept whole (page HTML or API JSON) while nothing it shows changed (issue 18).

**Work version tokens** (enforcement.held.version_token), one per town, one per district, one for every town
at once ("all", read by the city's people), and one global for whatever has no town (users, units,
certificates, the calendar, notifications, guardian's shares, ...). A change in town T replaces T's token, its
district's and "all"'s; any other change replaces the global one. Replaced at once and again after the commit,
as the public pages' token is (enforcement.public_cache). The sources of change:
- every audit row (`audit_seen`): its town, else global, and its actor's unit; and again when the linker
  chains it (`audit_linked`: the audit list shows its seq and hash). The services' `update()`s and bulk
  inserts send no signal, but nearly all of them write an audit row in the same transaction;
- post_save / post_delete / m2m_changed of every model of the work apps (`model_changed`): the instance's
  town (`town_id`, or its case's, whistle's, assignment's, task's or complaint's), else global. The admin
  site, fixtures and the services' `save()`s;
- the few writes that neither send a signal nor write an audit row call `work_changed` themselves (evidence
  checked by the hourly sweep, notifications written in bulk or marked read, warnings raised by a sweep).

**A held answer** (`work_page` for a view function, `work_answer` for a DRF `get`) is keyed by everything it
depends on: the path and query string; the user; the tokens of the user's scope (a town's officer: their
towns; with `level="district"` also their district, and "all" when they work for a town other than their
own unit; a district administrator or a department's staff: their districts; the city's people: "all"),
always with the global token, the scopes' version (roles, units, secondments), the public pages' version
(grants, items, benchmarks) and the calendar's; the language, the time zone and today's date; a hash of the
CSRF secret (a page's form carries a token for this browser only); the htmx headers and Accept. A view that
reads the clock (enforcement.clock.now: an overdue flag) or says it shows elapsed time (`minute=True`:
"raised 5 minutes ago") is held only until the end of the minute it was built in.

Never held or served: anything but GET; an answer other than 200 (a denial is the view's again each time); a
request with a message waiting (django.contrib.messages) or without a CSRF cookie (pages); an answer that
sets a cookie, touched the session or added a message; a query string with free text (`skip`) or longer than
MAX_QUERY. When the cache cannot give a token (Redis down) nothing is held and the view runs.
`settings.WORK_PAGE_CACHE = False` (env WORK_PAGE_CACHE=0) turns it all off (the bench's "built" figures).

Held answers carry `Cache-Control: private, no-store` and `Vary: Cookie`: no browser or proxy keeps them.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from . import calendar, clock
from .access import _version_key as _scope_version_key
from .access import scope_for, scope_version
from .held import Held, already_read, forget, register_prefetch, remember, version_token
from .models import Unit, User
from .public_cache import _version_key as _public_version_key

Level = Literal["town", "district"]
View = Callable[..., Any]

ANSWER_TTL = 600  # an entry nobody reached for ten minutes is gone from Redis anyway
MAX_QUERY = 200
MAX_ANSWER_BYTES = 1_000_000
HELD_COUNT = 256
HELD_BYTES = 48_000_000

# The work apps: a save or delete of any of their models changes what someone signed in may see.
WORK_APPS = frozenset(
    {
        "cases",
        "whistles",
        "inspections",
        "supervision",
        "figures",
        "enforcement",
        "authority",
        "discretion",
        "guardian",
        "auth",
    }
)
# Rows of the work apps no held answer shows: the audit trail's own bookkeeping (an audit row itself is
# seen through `audit_seen`, with its town), the outbox, the workers' heartbeat, idempotency keys.
NOT_SHOWN = frozenset(
    {
        "enforcement.auditevent",
        "enforcement.audithead",
        "enforcement.auditcheck",
        "enforcement.outboxmessage",
        "enforcement.workerheartbeat",
        "enforcement.submissionkey",
    }
)
# The foreign keys through which a row belongs to a town, tried in order when it has no town of its own.
_OWNERS = ("case", "whistle", "assignment", "task", "complaint", "plan", "inspection", "evidence")


# --- version tokens ----------------------------------------------------------------------------------------


def _key(part: str) -> str:
    return f"work:{connection.settings_dict['NAME']}:{part}"


GLOBAL, ALL = "global", "all"


def _town(town_id: int) -> str:
    return f"town:{town_id}"


def _district(district_id: int) -> str:
    return f"district:{district_id}"


class _Lost:
    """Whether this process failed to write a token (Redis unreachable at that moment): the answers held
    anywhere under the old tokens may be stale, so this process drops its own and, as soon as Redis answers
    again, replaces the global token that every held answer carries."""

    pending = False


def _replace(parts: Iterable[str]) -> None:
    keys = {_key(p): uuid.uuid4().hex for p in parts}
    if _Lost.pending:
        keys[_key(GLOBAL)] = uuid.uuid4().hex
    if keys:
        failed = cache.set_many(keys, None)
        forget(keys)
        _Lost.pending = bool(failed)
        if failed:
            _held.clear()


# The parts to replace after the commit, per thread (a thread has its own connection). A change registers a
# callback unless one already waits that no rollback could drop without dropping this change too (see
# `_after_this_commit`); the callback replaces everything pending in one write: a transaction that writes a
# thousand audit rows of one town replaces its tokens once after the commit. A callback dropped by a rollback
# leaves its parts pending for the next one to replace (an extra replacement, never a missed one).
_after_commit = threading.local()


def _pending() -> set[str]:
    pending: set[str] | None = getattr(_after_commit, "parts", None)
    if pending is None:
        pending = _after_commit.parts = set()
    return pending


def _replaced_now() -> set[str]:
    """Parts this thread replaced at once since it last stored an answer or committed: replacing them again
    before then would change nothing anyone could have read (other connections do not see this transaction's
    rows, and this one stored nothing meanwhile)."""
    done: set[str] | None = getattr(_after_commit, "now", None)
    if done is None:
        done = _after_commit.now = set()
    return done


def _replace_pending() -> None:
    _replaced_now().clear()
    pending = _pending()
    if pending:
        parts = set(pending)
        pending.clear()
        _replace(parts)


def _changed(parts: frozenset[str]) -> None:
    done = _replaced_now()
    fresh = parts - done
    if fresh:  # now: a read in this same transaction (or a test's) sees the change at once
        _replace(fresh)
        done.update(fresh)
    _pending().update(parts)
    _after_this_commit()


def _after_this_commit() -> None:
    """`_replace_pending` on commit, registered once per transaction. One already registered runs whenever
    this change is committed: a rollback drops a callback only with a savepoint it was registered under that
    is still open, and rolling back any open savepoint drops this change as well (released ones cannot be
    rolled back)."""
    connection = transaction.get_connection()
    waiting = (func for _, func, _ in connection.run_on_commit)
    if connection.in_atomic_block and any(func is _replace_pending for func in waiting):
        return
    transaction.on_commit(_replace_pending)


def work_changed(*, town: Unit | int | None = None, everything: bool = False) -> None:
    """Every held answer that may show this town's work (or, with no town or `everything`, any answer at
    all) is stale: new tokens now and again after the commit."""
    if town is None or everything:
        _changed(frozenset({GLOBAL}))
        return
    district_id: int | None
    if isinstance(town, Unit):
        town_id, district_id = town.pk, town.district_id
    else:
        town_id = town
        if _town(town_id) in _replaced_now() and _town(town_id) in _pending():
            # Replaced at once and pending with its district already in this transaction (a batch of one
            # town's rows): only make sure a callback of this savepoint replaces them after the commit.
            _after_this_commit()
            return
        district_id = _district_of(town_id)
    if district_id is None:  # not a unit we know: be safe
        _changed(frozenset({GLOBAL, _town(town_id), ALL}))
        return
    _changed(frozenset({_town(town_id), _district(district_id), ALL}))


# Each town's district, as of the scopes' version (which a unit's or a district's change replaces): a write
# bumps its district's token without a query.
_districts: Held[tuple[str, int], int] = Held(4096)


def _district_of(town_id: int) -> int | None:
    version = scope_version()
    if version is not None:
        known = _districts.get((version, town_id))
        if known is not None:
            return known
    district_id = Unit.objects.filter(pk=town_id).values_list("district_id", flat=True).first()
    if version is not None and district_id is not None:
        _districts.put((version, town_id), district_id)
    return district_id


def _town_of(instance: models.Model, depth: int = 0) -> int | None:
    """The town a row belongs to: its own `town`, else its owner's (its case's, whistle's, ...); None: none
    found (the caller then treats the change as global)."""
    meta = instance._meta
    try:
        field = meta.get_field("town")
    except FieldDoesNotExist:
        field = None
    if field is not None and field.many_to_one and field.related_model is Unit:
        value = getattr(instance, f"{field.name}_id", None)
        return value if isinstance(value, int) else None
    if depth >= 2:
        return None
    for name in _OWNERS:
        try:
            owner_field = meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not owner_field.many_to_one or owner_field.related_model is None:
            continue
        owner_id = getattr(instance, f"{name}_id", None)
        if owner_id is None:
            continue
        owner = instance._state.fields_cache.get(name)
        if owner is None:
            owner = owner_field.related_model._base_manager.filter(pk=owner_id).first()
        if owner is None:
            return None
        return _town_of(owner, depth + 1)
    return None


def model_changed(sender: Any, instance: Any = None, **kwargs: Any) -> None:
    """post_save / post_delete / m2m_changed of any model: those of the work apps count."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in WORK_APPS or meta.label_lower in NOT_SHOWN:
        return
    if isinstance(instance, User):
        fields = kwargs.get("update_fields")
        if fields is not None and set(fields) <= {"last_login", "password"}:
            return  # a sign-in: nothing any page shows
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed's pre_add, pre_remove, pre_clear
        return
    town_id = _town_of(instance) if isinstance(instance, models.Model) else None
    work_changed(town=town_id)


def audit_seen(event: Any) -> None:
    """An audited action: its town's work changed (the services' bulk writes and `update()`s send no signal),
    or, without a town, anything may have. The acting unit's too when it is another: the audit list shows a
    row to the supervisors and administrators of the actor's unit as well as of its town."""
    work_changed(town=event.town if event.town_id is not None else None)
    if event.unit_id is not None and event.unit_id != event.town_id:
        work_changed(town=event._state.fields_cache.get("unit") or event.unit_id)


def audit_linked(events: list[Any]) -> None:
    """Audit rows chained (enforcement.audit's linker sets their seq and hashes with one UPDATE, after the
    change's commit): the audit lists that show them changed, as when each row was written (`audit_seen`),
    one replacement for the whole batch."""
    units: set[int] = set()
    parts: set[str] = set()
    for event in events:
        if event.town_id is None:
            parts.add(GLOBAL)
        units.update(u for u in (event.town_id, event.unit_id) if u is not None)
    for unit_id in units:
        district_id = _district_of(unit_id)
        parts |= {_town(unit_id), ALL, _district(district_id) if district_id is not None else GLOBAL}
    if parts:
        _changed(frozenset(parts))


def warnings_seen(event: str, warnings: Any) -> None:
    """Fence warnings raised, reviewed or escalated (a sweep raises them in one INSERT: no signal)."""
    for town_id in {w.town_id for w in warnings}:
        work_changed(town=town_id)


# --- the tokens a user's answers carry ----------------------------------------------------------------------


def _scope_parts(user: User, level: Level) -> list[str]:
    return _parts_of(user, scope_for(user), level)


def _parts_of(user: User, scope: Any, level: Level) -> list[str]:
    parts = [GLOBAL]
    if scope.city_wide or not scope.authenticated:
        return [*parts, ALL]
    parts += [_town(t) for t in sorted(scope.town_ids)]
    if scope.reads_districts or scope.department_ids or level == "district" or not scope.town_ids:
        parts += [_district(d) for d in sorted(scope.district_ids)]
    if level == "district" and scope.town_ids - {user.unit_id}:
        parts.append(ALL)  # works for a town outside their own unit, perhaps in another district
    if not scope.town_ids and not scope.district_ids:
        parts.append(ALL)
    return parts


def _prefetch(user: Any, scope: Any) -> list[str]:
    """The tokens a signed-in request's held answer will be looked up under, read with the user's scope in one
    round trip (enforcement.held.prefetch_keys); `scope` as this process last knew it (None: not known yet,
    then only the tokens every answer carries). Both levels: which one the view asks for is not known yet."""
    if not enabled() or not isinstance(user, User):
        return []
    keys = [_key(GLOBAL)]
    if scope is not None:
        parts = dict.fromkeys([*_parts_of(user, scope, "town"), *_parts_of(user, scope, "district")])
        keys = [_key(p) for p in parts]
    return [*keys, calendar.CALENDAR_VERSION_KEY]


register_prefetch(_prefetch)


@dataclass(frozen=True)
class _Entry:
    content_type: str
    headers: tuple[tuple[str, str], ...]
    content: bytes
    tokens: tuple[str, ...]  # the versions it was built under: served only while they are the current ones
    until: float  # a timestamp: held only until then (the end of the minute it was built in, or ANSWER_TTL)


class _SizedHeld(Held[str, _Entry]):
    """Held, bounded also by the bytes of what it holds."""

    def __init__(self, limit: int, max_bytes: int) -> None:
        super().__init__(limit)
        self.max_bytes = max_bytes
        self.bytes = 0

    def put(self, key: str, value: _Entry) -> None:
        if self.bytes + len(value.content) > self.max_bytes:
            self.clear()
        super().put(key, value)
        self.bytes = sum(len(v.content) for v in list(self._values.values()))

    def clear(self) -> None:
        super().clear()
        self.bytes = 0


_held = _SizedHeld(HELD_COUNT, HELD_BYTES)


def enabled() -> bool:
    return bool(getattr(settings, "WORK_PAGE_CACHE", True))


class _ClockWatch:
    read = False


def _tokens(user: User, level: Level, entry_key: str | None) -> tuple[tuple[str, ...], object] | None:
    """The tokens this user's answers carry now, and what the cache holds under `entry_key`, in one round
    trip; None when a token cannot be had (the cache is down)."""
    if _Lost.pending:
        _replace(())
        if _Lost.pending:
            return None
    token_keys = [_key(p) for p in _scope_parts(user, level)] + [_scope_version_key(), _public_version_key()]
    wanted = [*token_keys, calendar.CALENDAR_VERSION_KEY]
    found: dict[str, Any] = {}
    unread = []
    for key in wanted:  # most were read with the user's scope (see `_prefetch`)
        seen, value = already_read(key)
        if seen:
            if value is not None:
                found[key] = value
        else:
            unread.append(key)
    asked = unread if entry_key is None else [*unread, entry_key]
    if asked:
        found.update(cache.get_many(asked))
        remember(found, unread)
    tokens = []
    for key in token_keys:
        value = found.get(key)
        if value is None:
            value = version_token(key)  # first use, or evicted: a new one (None: the cache is down)
            if value is None:
                return None
        tokens.append(str(value))
    tokens.append(str(found.get(calendar.CALENDAR_VERSION_KEY) or ""))
    return tuple(tokens), None if entry_key is None else found.get(entry_key)


def _base_key(request: HttpRequest, user: User, csrf: str) -> str:
    headers = request.headers
    return repr(
        (
            request.path,
            request.META.get("QUERY_STRING", ""),
            user.pk,
            get_language(),
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            hashlib.sha256(csrf.encode()).hexdigest() if csrf else "",
            tuple(sorted((k.lower(), v) for k, v in headers.items() if k.lower().startswith("hx-"))),
            headers.get("Accept", ""),
        )
    )


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0  # len() reads them without marking them seen


def _served(entry: _Entry) -> HttpResponse:
    response = HttpResponse(entry.content, content_type=entry.content_type)
    for name, value in entry.headers:
        response[name] = value
    return response


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ("Cookie",))
    return response


_SKIPPED_HEADERS = frozenset({"content-type", "content-length", "set-cookie", "vary", "cache-control"})


class _Hold:
    """One request's way through the cache: `lookup` gives a held answer or None; `keep` stores the view's."""

    def __init__(self, request: HttpRequest, user: Any, *, level: Level, skip: frozenset[str], page: bool):
        self.request = request
        self.user = user
        self.level = level
        self.key: str | None = None
        self.tokens: tuple[str, ...] = ()
        self.watch = _ClockWatch()
        csrf = request.META.get("CSRF_COOKIE") or ""
        self.usable = (
            enabled()
            and request.method == "GET"
            and isinstance(user, User)
            and user.is_active
            and not (set(request.GET) & skip)
            and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY
            and not (page and not csrf)
            and not _messages_waiting(request)
        )
        self.csrf = csrf

    def lookup(self) -> HttpResponse | None:
        if not self.usable:
            return None
        base = _base_key(self.request, self.user, self.csrf)
        self.key = "work:answer:" + hashlib.sha256(base.encode()).hexdigest()
        held = _held.get(self.key)
        found = _tokens(self.user, self.level, self.key if held is None else None)
        if found is None:
            self.usable = False
            return None
        self.tokens, stored = found
        if calendar.loaded_version() != (self.tokens[-1] or None):
            # Another process imported a calendar this one has not reloaded yet (it rechecks each minute):
            # reload now, so that what is built and kept under the new version counts with the new rows.
            calendar.reset_calendar_cache()
        entry = held if held is not None else stored
        if not isinstance(entry, _Entry) or entry.tokens != self.tokens:
            return None
        if held is None:
            _held.put(self.key, entry)
        if timezone.now().timestamp() >= entry.until:
            return None
        return _served(entry)

    def keep(self, response: HttpResponse, *, minute: bool) -> None:
        if (
            self.key is None
            or not self.usable
            or response.status_code != 200
            or response.streaming
            or response.cookies
            or (self.request.META.get("CSRF_COOKIE") or "") != self.csrf  # a new secret minted or rotated
            or getattr(getattr(self.request, "session", None), "modified", False)
            or _messages_waiting(self.request)
            or calendar.loaded_version() != (self.tokens[-1] or None)
        ):
            return
        content = response.content
        if len(content) > MAX_ANSWER_BYTES:
            return
        now = timezone.now().timestamp()
        # Never longer than Redis keeps it (a write whose token could not be replaced is then seen at the
        # latest after ANSWER_TTL), and to the end of the minute when the answer tells the time.
        until = now - now % 60 + 60 if minute or self.watch.read else now + ANSWER_TTL
        headers = tuple((k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS)
        entry = _Entry(response["Content-Type"], headers, content, self.tokens, until)
        cache.set(self.key, entry, ANSWER_TTL)
        _held.put(self.key, entry)
        _replaced_now().clear()  # the next change in this transaction must replace its tokens again


def work_page(
    *, level: Level = "town", skip: Iterable[str] = (), minute: bool = False
) -> Callable[[View], View]:
    """Hold a page view's answer for a signed-in user (see the module's docstring). `skip`: query parameters
    that carry free text (a search): such a request is not held. `minute`: the page shows elapsed time."""
    skipped = frozenset(skip)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = getattr(request, "user", None)
            if not isinstance(user, User) or not enabled():
                answer: HttpResponse = view(request, *args, **kwargs)
                return answer
            hold = _Hold(request, user, level=level, skip=skipped, page=True)
            response = hold.lookup()
            if response is not None:
                return _private(response)
            with clock.watching(hold.watch):
                response = view(request, *args, **kwargs)
            hold.keep(response, minute=minute)
            return _private(response)

        return wrapped

    return decorate


def work_answer(
    *, level: Level = "town", skip: Iterable[str] = (), minute: bool = False
) -> Callable[[View], View]:
    """`work_page` for a DRF view's `get`: runs after DRF's authentication, permissions and throttles; the
    answer is stored once DRF has rendered it."""
    skipped = frozenset(skip)

    def decorate(get: View) -> View:
        @functools.wraps(get)
        def wrapped(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if not enabled():
                return get(self, request, *args, **kwargs)
            django_request = request._request
            hold = _Hold(django_request, request.user, level=level, skip=skipped, page=False)
            served = hold.lookup()
            if served is not None:
                return _private(served)
            with clock.watching(hold.watch):
                response = get(self, request, *args, **kwargs)  # its data is made here, rendered later
            if hasattr(response, "add_post_render_callback"):

                def store(rendered: HttpResponse) -> None:
                    hold.keep(rendered, minute=minute)

                response.add_post_render_callback(store)
            return _private(response)

        return wrapped

    return decorate
