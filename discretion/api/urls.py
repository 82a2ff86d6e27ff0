from django.urls import path

from . import views

urlpatterns = [
    path("discretion/benchmarks/", views.BenchmarkListView.as_view(), name="api-discretion-benchmarks"),
    path("discretion/benchmarks/check/", views.BenchmarkCheckView.as_view(), name="api-discretion-check"),
    path(
        "discretion/benchmarks/<int:pk>/",
        views.BenchmarkDetailView.as_view(),
        name="api-discretion-benchmark",
    ),
    path(
        "discretion/benchmarks/<int:pk>/publish/",
        views.BenchmarkPublishView.as_view(),
        name="api-discretion-publish",
    ),
    path(
        "discretion/benchmarks/<int:pk>/withdraw/",
        views.BenchmarkWithdrawView.as_view(),
        name="api-discretion-withdraw",
    ),
    path(
        "discretion/items/<str:code>/benchmark/",
        views.ItemBenchmarkView.as_view(),
        name="api-discretion-item-benchmark",
    ),
    path("discretion/vocabulary/", views.VocabularyView.as_view(), name="api-discretion-vocabulary"),
    path("discretion/recommend/", views.RecommendView.as_view(), name="api-discretion-recommend"),
    path("discretion/deviation/", views.DeviationView.as_view(), name="api-discretion-deviation"),
    path("discretion/export/", views.ExportView.as_view(), name="api-discretion-export"),
    path("discretion/import/", views.ImportView.as_view(), name="api-discretion-import"),
    path(
        "discretion/generate-missing/",
        views.GenerateMissingView.as_view(),
        name="api-discretion-generate-missing",
    ),
]
