from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistlesConfig(AppConfig):
    name = "whistles"
    verbose_name = _("Whistles (街乡吹哨、部门报到)")

    def ready(self) -> None:
        from authority.usage import UsageSource, register_usage_source
        from enforcement.audit_catalog import register_audit_actions, register_audit_objects
        from enforcement.notifications import register_writer as register_inbox_writer
        from enforcement.referrals import register_referral_handler

        from .audit_actions import ACTIONS as AUDIT_ACTIONS
        from .audit_actions import OBJECTS as AUDIT_OBJECTS
        from .notifications import notify_keyed, register_configured_senders
        from .panels import register
        from .services import whistle_from_referral
        from .usage import whistle_usage

        register_audit_actions(*AUDIT_ACTIONS)
        register_audit_objects(*AUDIT_OBJECTS)
        from .sweeps import register as register_sweeps

        register_sweeps()
        register()
        register_configured_senders()
        register_inbox_writer(notify_keyed)  # other apps' notifications (cases) reach the same inbox
        register_referral_handler(whistle_from_referral)  # cases transfer (移送) to a department as a whistle
        register_usage_source(
            UsageSource(
                key="whistles",
                label=_("Whistles to departments"),
                fn=whistle_usage,
                counts_as_use=False,
            )
        )
        from enforcement.maps import MapLayer, register_map_layer

        from .selectors import whistle_map_markers
        from .workflow import WhistleStatus

        register_map_layer(
            MapLayer(
                "whistle",
                _("Whistles"),
                20,
                stages=lambda: list(WhistleStatus.choices),
                markers=whistle_map_markers,
            )
        )
