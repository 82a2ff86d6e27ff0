from django.urls import path

from . import views

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/acknowledge/", views.acknowledge, name="desk-acknowledge"),
    path("desk/escalation/", views.escalation_settings, name="desk-escalation"),
    path("desk/team/", views.team, name="desk-team"),
    path("desk/warnings/<int:pk>/", views.warning_detail, name="desk-warning"),
]
