from django.urls import path

from . import views

urlpatterns = [
    path("authority/items/", views.ItemListView.as_view(), name="api-authority-items"),
    path("authority/items/<int:pk>/", views.ItemDetailView.as_view(), name="api-authority-item"),
    path("authority/grants/", views.GrantListView.as_view(), name="api-authority-grants"),
    path("authority/towns/<str:code>/items/", views.TownListView.as_view(), name="api-authority-town-items"),
    path(
        "authority/towns/<str:code>/history/",
        views.TownHistoryView.as_view(),
        name="api-authority-town-history",
    ),
    path("authority/who-enforces/", views.WhoEnforcesView.as_view(), name="api-authority-who-enforces"),
    path("authority/adjustments/", views.AdjustmentListView.as_view(), name="api-authority-adjustments"),
    path(
        "authority/adjustments/<int:pk>/",
        views.AdjustmentDetailView.as_view(),
        name="api-authority-adjustment",
    ),
    path(
        "authority/adjustments/<int:pk>/lines/",
        views.AdjustmentLineListView.as_view(),
        name="api-authority-adjustment-lines",
    ),
    path(
        "authority/adjustments/<int:pk>/lines/<int:line_pk>/",
        views.AdjustmentLineDetailView.as_view(),
        name="api-authority-adjustment-line",
    ),
    path(
        "authority/adjustments/<int:pk>/approve/",
        views.AdjustmentApproveView.as_view(),
        name="api-authority-adjustment-approve",
    ),
    path(
        "authority/adjustments/<int:pk>/reject/",
        views.AdjustmentRejectView.as_view(),
        name="api-authority-adjustment-reject",
    ),
    path("authority/usage/", views.UsageView.as_view(), name="api-authority-usage"),
    path(
        "authority/usage/propose-recovery/",
        views.ProposeRecoveryView.as_view(),
        name="api-authority-usage-propose-recovery",
    ),
    path("authority/import/", views.ImportView.as_view(), name="api-authority-import"),
]
