from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.ComplaintListCreateView.as_view(), name="api-complaints"),
    path("complaints/bulk/", views.ComplaintBulkView.as_view(), name="api-complaints-bulk"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="api-complaint"),
    path("complaints/<int:pk>/rematch/", views.ComplaintRematchView.as_view(), name="api-complaint-rematch"),
]

# Penalty cases (行政处罚案件): cases/api/case_views.py.
from . import case_views  # noqa: E402

urlpatterns += [
    path("cases/", case_views.CaseListView.as_view(), name="api-cases"),
    path("cases/<int:pk>/", case_views.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:pk>/events/", case_views.CaseEventsView.as_view(), name="api-case-events"),
    path("cases/<int:pk>/evidence/", case_views.CaseEvidenceView.as_view(), name="api-case-evidence"),
    path("cases/<int:pk>/documents/", case_views.CaseDocumentsView.as_view(), name="api-case-documents"),
    path(
        "cases/<int:pk>/evidence/<int:evidence_pk>/file/",
        case_views.CaseEvidenceFileView.as_view(),
        name="api-case-evidence-file",
    ),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/pdf/",
        case_views.CaseDocumentFileView.as_view(),
        name="api-case-document-file",
    ),
    path("cases/<int:pk>/officers/", case_views.CaseOfficersView.as_view(), name="api-case-officers"),
    path(
        "cases/<int:pk>/declaration/", case_views.CaseDeclarationView.as_view(), name="api-case-declaration"
    ),
    *[
        path(f"cases/<int:pk>/actions/{action}/", view.as_view(), name=f"api-case-{action}")
        for action, view in case_views.ACTION_VIEWS.items()
    ],
    path(
        "cases/<int:pk>/actions/<str:action>/", case_views.UnknownActionView.as_view(), name="api-case-action"
    ),
]
