from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("units/", views.UnitListView.as_view(), name="api-units"),
    path("map/markers/", views.MapMarkersView.as_view(), name="api-map-markers"),
    path("audit/", views.AuditEventListView.as_view(), name="api-audit"),
    path("officers/", views.OfficersView.as_view(), name="api-officers"),
    path("certificates/verify/", views.CertificateVerifyView.as_view(), name="api-certificate-verify"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("fences/rules/", views.FenceRulesView.as_view(), name="api-fence-rules"),
    path("fences/rules/<str:code>/settings/", views.FenceSettingView.as_view(), name="api-fence-setting"),
]
