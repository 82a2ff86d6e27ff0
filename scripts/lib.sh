# Shared setup steps for scripts/demo and scripts/test. Each step is idempotent and quick when already done.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) for: $*" >&2; return 1; fi
}

# ensure_debian_packages PKG... : install what is missing (apt-get update once, only if needed).
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Runtime libraries: gettext (compiled translations), Pango (WeasyPrint PDFs), a CJK font (Chinese documents).
RUNTIME_DEBS=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)

ensure_python() {
  local python="${PYTHON:-python3.11}"
  command -v "$python" >/dev/null || python=python3
  if [ ! -x "$PY" ]; then
    say "Creating virtualenv .venv"
    "$python" -m venv "$VENV"
  fi
  local extras="$1" stamp="$VENV/.zhifa-installed-$1"
  local want
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
  # The dev install includes the runtime one (scripts/prod run from the test suite installs nothing).
  if [ "$extras" = runtime ] && [ "$(cat "$VENV/.zhifa-installed-dev" 2>/dev/null)" = "$want" ]; then return 0; fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python packages ($extras)"
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip
    if [ "$extras" = "dev" ]; then
      "$PY" -m pip install -q --disable-pip-version-check -e "$ROOT[dev]"
    else
      "$PY" -m pip install -q --disable-pip-version-check -e "$ROOT"
    fi
    echo "$want" >"$stamp"
  fi
}

compile_messages() {
  (cd "$ROOT" && "$PY" manage.py compilemessages --ignore=.venv -v 0)
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if ! command -v pg_ctlcluster >/dev/null; then
      ensure_debian_packages postgresql
    fi
    say "Starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; return 1; }
}

ensure_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    command -v redis-server >/dev/null || ensure_debian_packages redis-server redis-tools
    say "Starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; return 1; }
}

# ensure_database: create the PostgreSQL database named in DATABASE_URL if it does not exist yet.
ensure_database() {
  "$PY" - <<'PYTHON'
import os

import dj_database_url
import psycopg
from psycopg import sql

db = dj_database_url.parse(os.environ["DATABASE_URL"])
params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"] or "postgres",
          "password": db["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
with psycopg.connect(**params) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        print(f"Created database {db['NAME']}")
PYTHON
}

# loopback_production_settings: DEBUG=0 over plain HTTP on this machine (scripts/demo, scripts/prod): hosts, a secret
# key generated once into var/secret-key unless SECRET_KEY is set, and, with no TLS proxy in front, no HTTPS
# redirect, secure cookies or HSTS. Anything already in the environment wins.
loopback_production_settings() {
  export DEBUG=0 ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
  if [ "${BEHIND_TLS_PROXY:-0}" != 1 ]; then
    export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}" SESSION_COOKIE_SECURE="${SESSION_COOKIE_SECURE:-0}" \
      CSRF_COOKIE_SECURE="${CSRF_COOKIE_SECURE:-0}" SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
  fi
  if [ -z "${SECRET_KEY:-}" ]; then
    mkdir -p "$ROOT/var"
    [ -s "$ROOT/var/secret-key" ] || (umask 077 && "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$ROOT/var/secret-key")
    SECRET_KEY="$(cat "$ROOT/var/secret-key")"
    export SECRET_KEY
  fi
}

# collect_static: static files under their hashed names (compressed when DEBUG=0), as WhiteNoise serves them.
collect_static() {
  # With DEBUG=0 settings refuse to load without a key; collecting files signs nothing, so a throwaway one will do.
  (cd "$ROOT" && SECRET_KEY="${SECRET_KEY:-collectstatic-signs-nothing}" "$PY" manage.py collectstatic --noinput -v 0)
}
