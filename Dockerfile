FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && python manage.py compilemessages --ignore=.venv -v0 \
 && DEBUG=1 python manage.py collectstatic --noinput -v0
RUN useradd --system --uid 1000 zhifa && mkdir -p /app/var/media && chown -R zhifa /app/var
USER zhifa
EXPOSE 8000
CMD ["gunicorn", "enforcement.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
