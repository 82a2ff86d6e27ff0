"""The session engine (SESSION_ENGINE): Django's database sessions, read with one hand-written statement.

Every signed-in page reads its session row; Django's engine builds and compiles that query through the ORM
for each request (issue 18: with the user's, half of what a held page costs). The same row, the same
condition (the key, not expired), the same store: logging out, a password change and an expired or deleted
row end the session exactly as before."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    @classmethod
    @cache
    def _statement(cls) -> str:
        meta = cls.get_model_class()._meta
        q = connections[router.db_for_read(cls.get_model_class())].ops.quote_name
        table = q(meta.db_table)
        names = ("session_key", "session_data", "expire_date")
        key, data, expire = (f"{table}.{q(str(getattr(meta.get_field(f), 'column', f)))}" for f in names)
        # Qualified names, as the ORM writes them: query logs and the tests' filters read them alike.
        return f"SELECT {data}, {expire} FROM {table} WHERE ({expire} > %s AND {key} = %s)"  # noqa: S608

    def _get_session_from_db(self) -> Any:
        """As Django's: the unexpired row of this key (a model object), or None after forgetting the key."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM passes it (SQLite: text)
        with connection.cursor() as cursor:
            cursor.execute(self._statement(), [now, self.session_key])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=str(self.session_key), session_data=row[0], expire_date=row[1])
