# The image runs the same steps as scripts/prod on a machine: `scripts/prod build` here (translations, static files
# with hashed names, DEBUG=0), then docker-compose.yml runs `scripts/prod migrate|web|worker|beat`.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN python -m venv .venv && .venv/bin/pip install --no-cache-dir . && scripts/prod build
RUN useradd --system --uid 1000 zhifa && mkdir -p /app/var/media && chown -R zhifa /app/var
USER zhifa
ENV BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["scripts/prod", "web"]
