"""Whistle API paths (mounted under /api/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("whistles/", views.WhistleListView.as_view(), name="api-whistle-list"),
    path("whistles/inbox/", views.InboxView.as_view(), name="api-whistle-inbox"),
    path("whistles/returns/", views.ReturnsToReviewView.as_view(), name="api-whistle-returns"),
    path("whistles/assessment/", views.AssessmentView.as_view(), name="api-whistle-assessment"),
    path("whistles/suggest/", views.SuggestView.as_view(), name="api-whistle-suggest"),
    path("whistles/deadlines/", views.DeadlinePolicyListView.as_view(), name="api-whistle-deadlines"),
    path(
        "whistles/deadlines/<slug:urgency>/", views.DeadlinePolicyView.as_view(), name="api-whistle-deadline"
    ),
    path("whistles/notifications/", views.NotificationListView.as_view(), name="api-whistle-notifications"),
    path(
        "whistles/notifications/count/",
        views.NotificationCountView.as_view(),
        name="api-whistle-notification-count",
    ),
    path(
        "whistles/notifications/read-all/",
        views.NotificationReadAllView.as_view(),
        name="api-whistle-notifications-read-all",
    ),
    path(
        "whistles/notifications/<int:pk>/read/",
        views.NotificationReadView.as_view(),
        name="api-whistle-notification-read",
    ),
    path(
        "whistles/assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="api-whistle-assignment"
    ),
    *[
        path(
            f"whistles/assignments/<int:pk>/{action.value}/",
            view.as_view(),
            name=f"api-whistle-{action.value}",
        )
        for action, view in views.ACTION_VIEWS.items()
    ],
    path("whistles/<int:pk>/", views.WhistleDetailView.as_view(), name="api-whistle-detail"),
    path("whistles/<int:pk>/withdraw/", views.WhistleWithdrawView.as_view(), name="api-whistle-withdraw"),
    path(
        "whistles/<int:pk>/departments/",
        views.WhistleAddDepartmentView.as_view(),
        name="api-whistle-add-department",
    ),
    path("whistles/<int:pk>/photos/", views.WhistlePhotoView.as_view(), name="api-whistle-photos"),
    path("whistles/photos/<int:pk>/file/", views.PhotoFileView.as_view(), name="api-whistle-photo-file"),
]
