"""The workbench's routing pages, under staff/routing/."""

from django.urls import path

from .views import workbench as views

app_name = "routes"
urlpatterns = [
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<num:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<num:pk>/move/<str:direction>/", views.rule_move, name="rule_move"),
    path("rules/<num:pk>/toggle/", views.rule_toggle, name="rule_toggle"),
    path("rules/<num:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("assignment/", views.assignment_modes, name="assignment"),
    path("triage/", views.triage, name="triage"),
    path("returns/", views.returns, name="returns"),
    path("cases/<str:code>/route/", views.route, name="route"),
    path("cases/<str:code>/panel/", views.case_panel, name="case_panel"),
    path("consultations/", views.asked_of_my_unit, name="consultations"),
]
