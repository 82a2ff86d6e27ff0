from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("matching/", views.try_page, name="try"),
    path("matching/ask/", views.ask, name="ask"),
    path("matching/suggest/", views.suggest, name="suggest"),
    path("matching/rules/", views.rule_index, name="rules"),
    path("matching/rules/item/<int:pk>/", views.item_rules, name="item-rules"),
    path("matching/rules/item/<int:pk>/try/", views.item_try, name="item-try"),
    path("matching/rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
    path("matching/rules/<int:pk>/toggle/", views.rule_toggle, name="rule-toggle"),
    path("matching/rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
    path("matching/lexicon/", views.lexicon, name="lexicon"),
    path("matching/lexicon/<int:pk>/edit/", views.lexicon_edit, name="lexicon-edit"),
    path("matching/lexicon/<int:pk>/toggle/", views.lexicon_toggle, name="lexicon-toggle"),
    path("matching/lexicon/<int:pk>/delete/", views.lexicon_delete, name="lexicon-delete"),
]
