from django.urls import path

from . import views

urlpatterns = [
    path("discretion/", views.home, name="discretion-home"),
    path("discretion/items/<int:item_id>/", views.item_detail, name="discretion-item"),
    path("discretion/items/<int:item_id>/draft/", views.draft_create, name="discretion-draft-create"),
    path("discretion/items/<int:item_id>/generate/", views.generate, name="discretion-generate"),
    path("discretion/generate-missing/", views.generate_missing, name="discretion-generate-missing"),
    path("discretion/benchmarks/<int:pk>/", views.benchmark_detail, name="discretion-benchmark"),
    path("discretion/benchmarks/<int:pk>/edit/", views.benchmark_edit, name="discretion-edit"),
    path("discretion/benchmarks/<int:pk>/publish/", views.benchmark_publish_view, name="discretion-publish"),
    path(
        "discretion/benchmarks/<int:pk>/withdraw/", views.benchmark_withdraw_view, name="discretion-withdraw"
    ),
    path("discretion/benchmarks/<int:pk>/discard/", views.benchmark_discard_view, name="discretion-discard"),
    path("discretion/recommend/", views.recommend_view, name="discretion-recommend"),
    path("discretion/export.<str:fmt>", views.export_view, name="discretion-export"),
    path("discretion/import/", views.import_view, name="discretion-import"),
    path("discretion/circumstances/", views.circumstances, name="discretion-circumstances"),
    path("discretion/public/", views.public_list, name="discretion-public-list"),
    path(
        "discretion/public/<str:district_code>/<str:item_code>/",
        views.public_item,
        name="discretion-public-item",
    ),
]
