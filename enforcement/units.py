"""Units held in the process under the reference-data token (issue 18).

A unit (with its district) read once is kept by its code and its id while `public_version()` is the same: any
save or delete of a unit or a district replaces that token (enforcement.public_cache), so a renamed town is
read again at the next request. The match request resolves its town this way, and every signed-in request
gets its user's own unit this way (`attach_held_unit`, called by `scope_for` once the request has read its
tokens): the top bar, the home page's greeting and the panels that ask `user.unit` then read no row (one
query of every built signed-in page, about 0.7 ms of worker CPU). When the cache cannot give the token
nothing is held and `user.unit` reads the database as before. Held units are shared by the process's
requests: read only.
"""

from __future__ import annotations

from collections.abc import Callable

from .held import Held, already_read
from .models import Unit, User
from .public_cache import public_version, public_version_key

HELD_UNITS = 4096  # unit codes and ids this process has resolved

_held: Held[str, Unit] = Held(HELD_UNITS)
_held_version = [""]


def unit_by_code(raw: str, version: str | None = None) -> Unit | None:
    """The unit with this code (else, for digits, this id), with its district; `version`: the reference-data
    token if the caller has read it."""
    return _held_unit(raw, lambda: _unit_by_code_now(raw), version)


def unit_by_pk(pk: int, version: str | None = None) -> Unit | None:
    """The unit with this id, with its district, held as `unit_by_code` holds it."""
    return _held_unit(
        f"#{pk}", lambda: Unit.objects.filter(pk=pk).select_related("district").first(), version
    )


def attach_held_unit(user: User) -> None:
    """Give the signed-in user their held unit, when this request has already read the reference-data token
    (with its scope: no round trip of its own) and the user's unit is not loaded yet."""
    if user.unit_id is None or User.unit.is_cached(user):
        return
    version = request_reference_version()
    if not version:
        return
    unit = unit_by_pk(user.unit_id, version)
    if unit is not None and unit.pk == user.unit_id:
        user.unit = unit


def request_reference_version() -> str:
    """The reference-data token as this request read it with its scope ("" if it did not read it, or the cache
    is down). A token found absent (evicted, or the cache emptied) is made here, as `public_version()` would
    make it, so that what is held under it is held again from the next request on."""
    seen, version = already_read(public_version_key())
    if not seen:
        return ""
    return version if version is not None else public_version()


def forget_held() -> None:
    """Drop this process's held units (tests use it to act as a fresh process)."""
    _held.clear()
    _held_version[0] = ""


def _unit_by_code_now(raw: str) -> Unit | None:
    unit = Unit.objects.filter(code=raw).select_related("district").first()
    if unit is None and raw.isdigit():
        unit = Unit.objects.filter(pk=int(raw)).select_related("district").first()
    return unit


def _held_unit(key: str, read: Callable[[], Unit | None], version: str | None) -> Unit | None:
    version = public_version() if version is None else version
    if version != _held_version[0]:
        _held.clear()
        _held_version[0] = version
    unit = _held.get(key) if version else None
    if unit is None:
        unit = read()
        if unit is not None and version:  # under its code and its id: a town asked for by either
            _held.put(key, unit)
            _held.put(unit.code, unit)
            _held.put(f"#{unit.pk}", unit)
    return unit
