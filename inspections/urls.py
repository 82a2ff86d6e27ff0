"""Inspection pages (mounted at the site root; every path starts with inspections/)."""

from django.urls import path

from . import views
from .views import plans

urlpatterns = [
    path("inspections/", views.board, name="inspection-board"),
    path("inspections/new/", views.task_create, name="inspection-create"),
    path("inspections/invitations/", views.invitations, name="inspection-invitations"),
    path(
        "inspections/invitations/<int:pk>/<slug:answer>/",
        views.invitation_answer,
        name="inspection-invitation-answer",
    ),
    path("inspections/report/", views.report, name="inspection-report"),
    path("inspections/calendar/", plans.calendar, name="inspection-calendar"),
    path("inspections/plans/", plans.plan_list, name="inspection-plans"),
    path("inspections/plans/<int:pk>/", plans.plan_detail, name="inspection-plan"),
    path("inspections/businesses/", views.subject_list, name="inspection-subjects"),
    path("inspections/businesses/<int:pk>/", views.subject_detail, name="inspection-subject"),
    path("inspections/photos/<int:pk>/", views.photo_view, name="inspection-photo"),
    path("inspections/code/", views.code_lookup, name="inspection-code-lookup"),
    path("inspections/code/<str:code>/", views.code_public, name="inspection-code"),
    path("inspections/code/<str:code>/record/", views.code_record, name="inspection-code-record"),
    path("inspections/<int:pk>/", views.task_detail, name="inspection-detail"),
    path("inspections/<int:pk>/checklist/", views.checklist, name="inspection-checklist"),
    path("inspections/<int:pk>/checklist/add/", views.point_add, name="inspection-point-add"),
    path("inspections/<int:pk>/checklist/finish/", views.task_finish, name="inspection-finish"),
    path("inspections/<int:pk>/points/<int:point_pk>/", views.point_answer, name="inspection-point"),
    path("inspections/<int:pk>/qr.svg", views.code_qr, name="inspection-qr"),
    path("inspections/<int:pk>/documents/<int:doc_pk>/", views.document_download, name="inspection-document"),
    path("inspections/<int:pk>/<slug:action>/", views.task_action, name="inspection-action"),
]
