from django.urls import path

from . import views_cadre, views_households, views_reports

app_name = "assistance"

urlpatterns = [
    # cadre side (views_cadre)
    path("", views_cadre.dashboard, name="dashboard"),
    path("visits/", views_cadre.visit_list, name="visits"),
    path("visits/new/", views_cadre.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views_cadre.visit_detail, name="visit"),
    path("thresholds/", views_cadre.threshold_list, name="thresholds"),
    path("thresholds/<int:org_pk>/", views_cadre.threshold_edit, name="threshold_edit"),
    # households (views_households)
    path("households/", views_households.household_list, name="households"),
    path("households/new/", views_households.household_create, name="household_create"),
    path("households/<int:pk>/", views_households.household_detail, name="household"),
    path("households/<int:pk>/edit/", views_households.household_edit, name="household_edit"),
    path(
        "households/<int:pk>/transition/", views_households.household_transition, name="household_transition"
    ),
    path("households/<int:pk>/reveal/", views_households.household_reveal, name="household_reveal"),
    path("households/<int:pk>/measures/new/", views_households.measure_create, name="measure_create"),
    path("households/<int:pk>/plan/new/", views_households.plan_item_create, name="plan_item_create"),
    path(
        "households/<int:pk>/plan/<int:item_pk>/done/", views_households.plan_item_done, name="plan_item_done"
    ),
    path("households/<int:pk>/review/", views_households.yearly_review, name="yearly_review"),
    path("reports/", views_reports.report, name="report"),
    path("reports/export/", views_reports.report_export, name="report_export"),
]
