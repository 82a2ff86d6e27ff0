"""Whistle pages (mounted at the site root; every path starts with whistles/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("whistles/", views.whistle_list, name="whistle-list"),
    path("whistles/inbox/", views.whistle_inbox, name="whistle-inbox"),
    path("whistles/returns/", views.whistle_returns, name="whistle-returns"),
    path("whistles/new/", views.whistle_raise, name="whistle-raise"),
    path("whistles/new/departments/", views.whistle_suggest, name="whistle-suggest"),
    path("whistles/assessment/", views.assessment_view, name="whistle-assessment"),
    path("whistles/deadlines/", views.deadline_settings, name="whistle-deadlines"),
    path("whistles/notifications/", views.notification_list, name="whistle-notifications"),
    path("whistles/notifications/badge/", views.notification_badge, name="whistle-notification-badge"),
    path(
        "whistles/notifications/read-all/", views.notification_read_all, name="whistle-notifications-read-all"
    ),
    path("whistles/notifications/<int:pk>/open/", views.notification_open, name="whistle-notification-open"),
    path("whistles/photos/<int:pk>/", views.photo_view, name="whistle-photo"),
    path(
        "whistles/assignments/<int:pk>/<slug:action>/",
        views.assignment_action,
        name="whistle-assignment-action",
    ),
    path("whistles/<int:pk>/", views.whistle_detail, name="whistle-detail"),
    path("whistles/<int:pk>/withdraw/", views.whistle_withdraw, name="whistle-withdraw"),
    path("whistles/<int:pk>/departments/", views.whistle_add_department, name="whistle-add-department"),
    path("whistles/<int:pk>/photos/", views.whistle_photo_add, name="whistle-photo-add"),
]
