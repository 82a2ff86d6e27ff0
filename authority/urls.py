from django.urls import path

from . import views

urlpatterns = [
    path("authority/", views.index, name="authority-index"),
    path("authority/items/", views.item_list, name="authority-items"),
    path("authority/items/<int:pk>/", views.item_detail, name="authority-item"),
    path("authority/towns/<str:code>/", views.town_public, name="authority-town"),
    path("authority/who/", views.who, name="authority-who"),
    path("authority/export/", views.export, name="authority-export"),
    path("authority/import/", views.import_page, name="authority-import"),
    path("authority/adjustments/", views.adjustment_list, name="authority-adjustments"),
    path("authority/adjustments/new/", views.adjustment_new, name="authority-adjustment-new"),
    path("authority/adjustments/<int:pk>/", views.adjustment_detail, name="authority-adjustment"),
    path("authority/usage/", views.usage, name="authority-usage"),
    path(
        "authority/usage/propose-recovery/",
        views.usage_propose_recovery,
        name="authority-usage-propose-recovery",
    ),
]
