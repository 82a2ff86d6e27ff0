from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/import/", views.complaint_import, name="complaint-import"),
    path("complaints/rematch/", views.complaints_rematch_view, name="complaints-rematch"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/rematch/", views.complaint_rematch_view, name="complaint-rematch"),
]

# Penalty cases: pages (views_cases) and permission-checked files (views_files).
from . import views_cases, views_files  # noqa: E402

urlpatterns += views_cases.urlpatterns_cases
urlpatterns += views_files.urlpatterns_files
