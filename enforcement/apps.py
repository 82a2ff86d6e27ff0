import logging
import os

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("enforcement")


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers system checks)
        from .audit_catalog import CORE_ACTIONS, CORE_OBJECTS, register_audit_actions, register_audit_objects
        from .panels import register

        register()
        register_audit_actions(*CORE_ACTIONS)
        register_audit_objects(*CORE_OBJECTS)

        # Cached scopes (enforcement.access.scope_for) go stale when a role, a unit or a secondment changes.
        # These are signals, against the house rule, because the admin site and fixtures write them too, not
        # only the services; the handlers only replace a cache token.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .access import _user_saved, scope_changed
        from .models import District, Secondment, Unit, User

        # A district joining or leaving a city changes what the city's people see.
        for model in (Secondment, Unit, District):
            post_save.connect(scope_changed, sender=model, dispatch_uid=f"scope-{model.__name__}-save")
            post_delete.connect(scope_changed, sender=model, dispatch_uid=f"scope-{model.__name__}-delete")
        post_save.connect(_user_saved, sender=User, dispatch_uid="scope-user-save")
        post_delete.connect(scope_changed, sender=User, dispatch_uid="scope-user-delete")
        m2m_changed.connect(scope_changed, sender=User.groups.through, dispatch_uid="scope-user-groups")

        # Public pages kept whole for anonymous visitors (enforcement.public_cache) are keyed by a version
        # that any change of what they show replaces: the admin site's writes by signal, the services' by
        # their audit rows.
        from .audit import register_audit_listener
        from .public_cache import audit_seen, model_changed

        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(model_changed, dispatch_uid=f"public-pages-{name}")
        register_audit_listener(audit_seen)

        # Signed-in people's pages and answers held under their towns' work versions (enforcement.work_cache):
        # replaced by any change of the work apps' rows (signals: the admin site, fixtures, save()) and by
        # every audited action (the services' update()s and bulk inserts).
        from . import work_cache

        for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
            signal.connect(work_cache.model_changed, dispatch_uid=f"work-answers-{name}")
        register_audit_listener(work_cache.audit_seen)
        from .audit import register_link_listener

        register_link_listener(work_cache.audit_linked)
        from .fences import register_warning_listener

        register_warning_listener("work-answers", work_cache.warnings_seen)

        # scripts/demo says it once itself, rather than each of its commands saying it again.
        if settings.DEMO_MODE and not os.environ.get("DEMO_NOTICE_SHOWN"):
            parts = []
            if settings.DEMO_DATABASE:
                parts.append("SQLite file database (set DATABASE_URL for PostgreSQL)")
            if settings.DEMO_TASKS:
                parts.append("Celery tasks run in-process (set CELERY_BROKER_URL or REDIS_URL for workers)")
            logger.warning("DEMO MODE: %s", "; ".join(parts))
