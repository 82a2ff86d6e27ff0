"""Inspection API paths (mounted under /api/)."""

from django.urls import path

from . import plans, views

urlpatterns = [
    path("inspections/tasks/", views.TaskListView.as_view(), name="api-inspection-list"),
    path("inspections/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="api-inspection-detail"),
    path("inspections/tasks/<int:pk>/invite/", views.TaskInviteView.as_view(), name="api-inspection-invite"),
    path(
        "inspections/tasks/<int:pk>/officers/",
        views.TaskOfficersView.as_view(),
        name="api-inspection-officers",
    ),
    *[
        path(f"inspections/tasks/<int:pk>/{name}/", view.as_view(), name=f"api-inspection-{name}")
        for name, view in views.ACTION_VIEWS.items()
    ],
    path(
        "inspections/tasks/<int:pk>/points/<int:point_pk>/",
        views.PointResultView.as_view(),
        name="api-inspection-point",
    ),
    path("inspections/invitations/", views.InvitationInboxView.as_view(), name="api-inspection-invitations"),
    path(
        "inspections/invitations/<int:pk>/accept/",
        views.InvitationAcceptView.as_view(),
        name="api-inspection-accept",
    ),
    path(
        "inspections/invitations/<int:pk>/decline/",
        views.InvitationDeclineView.as_view(),
        name="api-inspection-decline",
    ),
    path("inspections/plans/", plans.AnnualPlanListView.as_view(), name="api-inspection-plans"),
    path("inspections/plans/<int:pk>/", plans.AnnualPlanDetailView.as_view(), name="api-inspection-plan"),
    path(
        "inspections/plans/<int:pk>/entries/",
        plans.AnnualPlanEntryView.as_view(),
        name="api-inspection-plan-entries",
    ),
    path(
        "inspections/plans/<int:pk>/approve/",
        plans.AnnualPlanApproveView.as_view(),
        name="api-inspection-plan-approve",
    ),
    path("inspections/calendar/", plans.CalendarView.as_view(), name="api-inspection-calendar"),
    path("inspections/figures/", plans.FiguresView.as_view(), name="api-inspection-figures"),
    path("inspections/subjects/<int:pk>/", plans.SubjectRecordView.as_view(), name="api-inspection-subject"),
    path(
        "inspections/subjects/<int:pk>/profile/",
        plans.SubjectProfileView.as_view(),
        name="api-inspection-subject-profile",
    ),
]
