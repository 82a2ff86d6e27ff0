from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import certificate_pages, health, pwa, views
from .api import views as api_views

# Every page needs a login (enforcement.middleware.LoginRequiredMiddleware) unless its view is marked
# `login_not_required`; tests/test_routes.py holds what each route answers to whom.
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("team/", views.team, name="team"),
    path("map/", views.town_map, name="town-map"),
    path("officers/", views.officers, name="officers"),
    path("audit/", views.audit_list, name="audit-list"),
    path("fences/rules/", views.fence_rules_page, name="fence-rules"),
    path("fences/rules/<str:code>/", views.fence_rule_page, name="fence-rule"),
    path("audit/object/<str:object_type>/<str:object_id>/", views.audit_object, name="audit-object"),
    # The officer's electronic certificate and its public check (the QR's page, the portal's look-up).
    path("me/certificate/", certificate_pages.certificate_mine, name="certificate-mine"),
    path("verify/certificate/", certificate_pages.certificate_lookup, name="certificate-lookup"),
    path("verify/certificate/<str:token>/", certificate_pages.certificate_verify, name="certificate-verify"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    # Public: a visitor whose session ended and who presses "log out" is logged out, not sent to log in.
    path("accounts/logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/switch/", views.language_switch, name="language-switch"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, raw API answers).
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=lazy(static, str)("enforcement/favicon.svg"))),
    ),
    # The installable app: its manifest, and the service worker at the root so that it controls every page.
    path("manifest.webmanifest", pwa.web_manifest, name="web-manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/<str:lang>/", pwa.offline_page, name="offline"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its set-up script as a separate request: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("enforcement.api.urls")),
    # Feature apps own their pages and API paths.
    path("", include("authority.urls")),
    path("api/", include("authority.api.urls")),
    path("", include("authority.matching.urls")),
    path("api/", include("authority.matching.api.urls")),
    path("", include("discretion.urls")),
    path("api/", include("discretion.api.urls")),
    path("", include("cases.urls")),
    path("api/", include("cases.api.urls")),
    path("", include("inspections.urls")),
    path("api/", include("inspections.api.urls")),
    path("", include("whistles.urls")),
    path("api/", include("whistles.api.urls")),
    path("", include("supervision.urls")),
    path("api/", include("supervision.api.urls")),
    path("", include("figures.urls")),
    path("api/", include("figures.api.urls")),
    # Last: any other address under /api/ is a JSON 404 in the API's error shape, not the HTML page.
    re_path(r"^api/", api_views.UnknownAddressView.as_view()),
]

handler400 = "enforcement.views.error_400"
handler403 = "enforcement.views.error_403"
handler404 = "enforcement.views.error_404"
handler500 = "enforcement.views.error_500"
