from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def test_check_deploy_passes_with_production_values():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x9!Qm2#Lr7$Vt4&Zp8*Kw1^Hs6@Nc3%Bd5(Jf0)Gy-Ue4+Ro7=Ti2~Pa9",
        "ALLOWED_HOSTS": "zhifa.example.gov.cn",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhifa"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.pop(
        "DJANGO_ALLOW_ASYNC_UNSAFE", None
    )  # set by the browser fixture for Playwright, never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_demo_mode_is_announced_in_the_log_and_on_every_page(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env["SQLITE_PATH"] = str(tmp_path / "demo.sqlite3")
    code = (
        "import django; django.setup();"
        "from django.conf import settings; print(settings.DEMO_MODE, settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.DATABASES['default']['ENGINE'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "enforcement.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True", "True", "django.db.backends.sqlite3"]
    assert "DEMO MODE" in result.stderr


def test_each_pytest_worker_keeps_its_own_cache():
    """Two workers of `pytest -n` share the test command's Redis: each its own database and key prefix (a
    test that empties the cache empties its database; the workers' rows are numbered alike)."""
    from enforcement.settings import _cache_of_test_worker

    assert _cache_of_test_worker("redis://h:6379/0", "p", "") == ("redis://h:6379/0", "p")
    assert _cache_of_test_worker("redis://h:6379/0", "p", "gw1") == ("redis://h:6379/2", "p-gw1")
    assert _cache_of_test_worker("redis://h:6379", "p", "gw0") == ("redis://h:6379/1", "p-gw0")
    assert _cache_of_test_worker("redis://h:6379/15", "p", "gw0") == ("redis://h:6379/0", "p-gw0")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker and "LOCATION" in settings.CACHES["default"]:
        assert str(settings.CACHES["default"]["KEY_PREFIX"]).endswith(f"-{worker}")
