from django.urls import path

from . import views

urlpatterns = [
    path("desk/warnings/", views.DeskWarningListView.as_view(), name="api-desk-warnings"),
    path("desk/warnings/acknowledge/", views.DeskAcknowledgeView.as_view(), name="api-desk-acknowledge"),
    path("desk/warnings/<int:pk>/", views.DeskWarningDetailView.as_view(), name="api-desk-warning"),
    path("desk/warnings/<int:pk>/review/", views.DeskWarningReviewView.as_view(), name="api-desk-review"),
    path("desk/team/", views.DeskTeamView.as_view(), name="api-desk-team"),
]
