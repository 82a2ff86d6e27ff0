"""Units' names in the reader's language, for sentences written with a unit's Chinese name.

A sweep's warning and a notification keep the names they were written with (in Chinese: the SQL or the
service that wrote them ran under the default language). An English reader should read "Shiyoulu
Subdistrict has never used …", not the Chinese name inside an English sentence. The units' names are read in
one query and held in the process for a minute (towns and departments are renamed rarely; a rename shows in
every process within that minute, and at once in the one that saved it), so a page of fifty warnings or
notifications asks the database once, not fifty times.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils import translation

HELD_SECONDS = 60.0

_lock = threading.Lock()
_held: tuple[float, dict[int, tuple[str, str]], dict[str, str]] | None = None


def _names() -> tuple[dict[int, tuple[str, str]], dict[str, str]]:
    global _held
    held = _held
    if held is None or time.monotonic() - held[0] > HELD_SECONDS:
        from .models import Unit

        rows = list(Unit.objects.exclude(name_en="").values_list("pk", "name_zh", "name_en"))
        by_pk = {pk: (zh, en) for pk, zh, en in rows}
        by_name: dict[str, str] = {}
        seen_twice: set[str] = set()
        for _, zh, en in rows:
            if zh in by_name and by_name[zh] != en:
                seen_twice.add(zh)  # two units of one name with different English names: keep it as written
            by_name[zh] = en
        for zh in seen_twice:
            del by_name[zh]
        held = (time.monotonic(), by_pk, by_name)
        with _lock:
            _held = held
    return held[1], held[2]


def forget(**_: object) -> None:
    """A unit was saved or deleted: read the names again at the next question."""
    global _held
    with _lock:
        _held = None


post_save.connect(forget, sender="enforcement.Unit", dispatch_uid="unit_names_forget_saved")
post_delete.connect(forget, sender="enforcement.Unit", dispatch_uid="unit_names_forget_deleted")


def reads_other_language() -> bool:
    """The reader's language is not the one the names were written in (the default, Chinese)."""
    reading = (translation.get_language() or "").split("-")[0].lower()
    written = settings.LANGUAGE_CODE.split("-")[0].lower()
    return bool(reading) and reading != written


def unit_name(written: str, pk: int | None = None) -> str:
    """`written` (a unit's Chinese name, as a sentence holds it) in the reader's language: the unit's English
    name for a reader of English where the data has one; otherwise, or when `written` is not that unit's
    current Chinese name (a unit renamed since keeps its words), unchanged. With `pk` the unit is that one;
    without, the unit whose Chinese name it is (unless two units share the name)."""
    if not written or not reads_other_language():
        return written
    by_pk, by_name = _names()
    if pk is not None:
        names = by_pk.get(pk)
        return names[1] if names is not None and names[0] == written else written
    return by_name.get(written, written)
