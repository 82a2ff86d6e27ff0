import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")

app = Celery("enforcement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _heartbeat_when_ready(**kwargs: object) -> None:
    """A worker that has just started takes tasks: /readyz may say so at once, not only after beat's first
    minute."""
    from enforcement.tasks import worker_heartbeat_task

    worker_heartbeat_task()
