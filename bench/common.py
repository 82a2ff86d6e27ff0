"""What the benches share: a throwaway PostgreSQL database and Django set up against it."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable


def add_database_arguments(p: argparse.ArgumentParser, default_db: str) -> None:
    p.add_argument("--db", default=default_db, help="throwaway database name (dropped and rebuilt)")
    p.add_argument("--host", default="127.0.0.1:5432")
    p.add_argument("--user", default="postgres")


def admin_sql(args: argparse.Namespace, sql: str) -> None:
    """Run one statement on the server's `postgres` database (CREATE/DROP DATABASE), outside a transaction."""
    import psycopg

    host, port = args.host.split(":")
    user = getattr(args, "user", "postgres")
    with psycopg.connect(host=host, port=int(port), user=user, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)


def setup_django(args: argparse.Namespace, *, broker: bool = True) -> None:
    """Django on the bench's database, tasks in-process; without `broker`, no Redis either (the bench then
    times the database only)."""
    os.environ["DATABASE_URL"] = f"postgres://{args.user}@{args.host}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    if not broker:
        os.environ.pop("REDIS_URL", None)
        os.environ.pop("CELERY_BROKER_URL", None)
    import logging

    logging.disable(logging.WARNING)  # the demo-mode banner and friends
    import django

    django.setup()


def fresh_database(
    args: argparse.Namespace, setup: Callable[[argparse.Namespace], None] = setup_django
) -> None:
    """Drop and create the bench's database unless `--reuse` keeps the one already built; then `setup`
    Django on it."""
    if not args.reuse:
        admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        admin_sql(args, f'CREATE DATABASE "{args.db}"')
    setup(args)
