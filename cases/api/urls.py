from django.urls import path

from . import views

urlpatterns = [
    path("complaints/", views.ComplaintListCreateView.as_view(), name="api-complaints"),
    path("complaints/bulk/", views.ComplaintBulkView.as_view(), name="api-complaints-bulk"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="api-complaint"),
    path("complaints/<int:pk>/rematch/", views.ComplaintRematchView.as_view(), name="api-complaint-rematch"),
]
