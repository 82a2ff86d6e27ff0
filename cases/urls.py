from django.urls import path

from .views import capture, case_forms, case_page, complaints, files, lists, public, records

app_name = "cases"

urlpatterns = [
    # Complaints (投诉举报)
    path("complaints/", complaints.complaint_list, name="complaints"),
    path("complaints/new/", complaints.complaint_new, name="complaint-new"),
    path("complaints/import/", complaints.complaint_import, name="complaint-import"),
    path("complaints/rematch/", complaints.complaints_rematch_view, name="complaints-rematch"),
    path("complaints/labels/", complaints.complaint_labels_view, name="complaint-labels"),
    path("complaints/<int:pk>/", complaints.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/rematch/", complaints.complaint_rematch_view, name="complaint-rematch"),
    path("complaints/<int:pk>/label/", complaints.complaint_label_view, name="complaint-label"),
    path("complaints/<int:pk>/items/", complaints.complaint_items_view, name="complaint-items"),
    # Penalty cases: lists and queues, forms, the case page and its posts, permission-checked files
    path("cases/", lists.case_list, name="case-list"),
    path("cases/new/", case_forms.case_new, name="case-new"),
    path("cases/approvals/", lists.approvals, name="approvals"),
    path("cases/approvals/archive/", lists.approvals_archive, name="approvals-archive"),
    path("cases/reviews/", lists.reviews, name="reviews"),
    path("cases/<int:pk>/", case_page.case_detail, name="case"),
    path("cases/<int:pk>/edit/", case_forms.case_edit, name="case-edit"),
    path("cases/<int:pk>/officers/", case_forms.case_officers, name="case-officers"),
    path("cases/<int:pk>/declare/", case_page.case_declare, name="case-declare"),
    path("cases/<int:pk>/act/<str:action>/", case_page.case_act, name="case-act"),
    path("cases/<int:pk>/notice/discretion/", case_page.notice_discretion_view, name="notice-discretion"),
    path("cases/<int:pk>/fences/", case_page.case_fences_view, name="case-fences"),
    path(
        "cases/<int:pk>/publication/withdraw/", public.publication_withdraw_view, name="publication-withdraw"
    ),
    path("public/towns/<str:code>/decisions/", public.town_decisions, name="public-decisions"),
    path("cases/<int:case_pk>/evidence/upload/", files.evidence_upload, name="evidence-upload"),
    path("cases/<int:case_pk>/evidence/<int:pk>/", files.evidence_download, name="evidence-file"),
    # Capture on site: the phone's camera with the device's place and time (the bottom bar's "capture")
    path("cases/capture/", capture.capture_start, name="capture-start"),
    path("cases/<int:pk>/capture/", capture.case_capture, name="case-capture"),
    path("cases/<int:case_pk>/records/new/<str:kind>/", records.record_new, name="record-new"),
    path("cases/<int:case_pk>/documents/new/", files.document_create, name="document-new"),
    path("cases/<int:case_pk>/documents/<int:pk>/", files.document_download, name="document-file"),
    path(
        "cases/<int:case_pk>/documents/requests/<int:pk>/",
        files.document_request_view,
        name="document-request",
    ),
    path(
        "cases/<int:case_pk>/documents/preview/<str:kind>/",
        files.document_preview_view,
        name="document-preview",
    ),
]
