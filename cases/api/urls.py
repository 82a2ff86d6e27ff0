from django.urls import path

from .views import actions, approvals, cases, complaints, files, records

urlpatterns = [
    # Complaints (投诉举报)
    path("complaints/", complaints.ComplaintListCreateView.as_view(), name="api-complaints"),
    path("complaints/bulk/", complaints.ComplaintBulkView.as_view(), name="api-complaints-bulk"),
    path("complaints/<int:pk>/", complaints.ComplaintDetailView.as_view(), name="api-complaint"),
    path("complaints/<int:pk>/label/", complaints.ComplaintLabelView.as_view(), name="api-complaint-label"),
    path(
        "complaints/<int:pk>/rematch/",
        complaints.ComplaintRematchView.as_view(),
        name="api-complaint-rematch",
    ),
    # Penalty cases (行政处罚案件)
    path("cases/", cases.CaseListView.as_view(), name="api-cases"),
    path("cases/approvals/", approvals.ApprovalQueueView.as_view(), name="api-case-approvals"),
    path(
        "cases/approvals/archive/",
        approvals.ApprovalArchiveView.as_view(),
        name="api-case-approvals-archive",
    ),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:pk>/events/", cases.CaseEventsView.as_view(), name="api-case-events"),
    path("cases/<int:pk>/evidence/", files.CaseEvidenceView.as_view(), name="api-case-evidence"),
    path("cases/<int:pk>/records/", records.CaseRecordsView.as_view(), name="api-case-records"),
    path("cases/<int:pk>/documents/", files.CaseDocumentsView.as_view(), name="api-case-documents"),
    path(
        "cases/<int:pk>/documents/requests/<int:request_pk>/",
        files.CaseDocumentRequestView.as_view(),
        name="api-case-document-request",
    ),
    path(
        "cases/<int:pk>/evidence/<int:evidence_pk>/file/",
        files.CaseEvidenceFileView.as_view(),
        name="api-case-evidence-file",
    ),
    path(
        "cases/<int:pk>/documents/<int:document_pk>/pdf/",
        files.CaseDocumentFileView.as_view(),
        name="api-case-document-file",
    ),
    path("cases/<int:pk>/officers/", actions.CaseOfficersView.as_view(), name="api-case-officers"),
    path("cases/<int:pk>/declaration/", actions.CaseDeclarationView.as_view(), name="api-case-declaration"),
    path("cases/<int:pk>/fences/<str:action>/", actions.CaseFenceCheckView.as_view(), name="api-case-fences"),
    *[
        path(f"cases/<int:pk>/actions/{action}/", view.as_view(), name=f"api-case-{action}")
        for action, view in actions.ACTION_VIEWS.items()
    ],
    path("cases/<int:pk>/actions/<str:action>/", actions.UnknownActionView.as_view(), name="api-case-action"),
]
