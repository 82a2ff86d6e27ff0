from django.urls import path

from . import views

urlpatterns = [
    path("inspections/code/<str:code>/", views.code_public, name="inspection-code"),
]
