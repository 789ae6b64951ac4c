from django.urls import path

from . import skills_views, tours, views

app_name = "competitions"

urlpatterns = [
    path("", views.competition_list, name="list"),
    path("new/", views.competition_create, name="create"),
    path("mine/", views.my_entrants, name="mine"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/edit/", views.competition_edit, name="edit"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/winners/", views.winners, name="winners"),
    path("<int:pk>/report-sheet.xlsx", views.report_sheet, name="report_sheet"),
    path("entrants/<int:pk>/", views.entrant_detail, name="entrant"),
    path("entrants/<int:pk>/approve/", views.entrant_approve, name="entrant_approve"),
    path("entrants/<int:pk>/return/", views.entrant_return, name="entrant_return"),
    path("entrants/<int:pk>/resubmit/", views.entrant_resubmit, name="entrant_resubmit"),
    path("entrants/<int:pk>/report/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/check/", views.report_check, name="report_check"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("tours/", tours.tour_list, name="tours"),
    path("tours/<int:pk>/", tours.tour_detail, name="tour"),
    path("tours/stops/<int:pk>/", tours.stop_detail, name="tour_stop"),
    path("report-tours/", tours.schedule, name="schedule"),
    path("<int:pk>/skills/new/", skills_views.event_create, name="skills_event_create"),
    path("skills/<int:pk>/", skills_views.event_detail, name="skills_event"),
    path("skills/<int:pk>/publish/", skills_views.event_publish, name="skills_publish"),
    path("skills/results/<int:pk>/delete/", skills_views.result_delete, name="skills_result_delete"),
    path("skills/results/<int:pk>/put-forward/", skills_views.result_put_forward, name="skills_put_forward"),
    path("winners/<int:pk>/put-forward/", skills_views.winner_put_forward, name="winner_put_forward"),
    path("<int:pk>/export/<slug:what>/", skills_views.export, name="export"),
    path("skills-results/", skills_views.results_index, name="skills_public_index"),
    path("skills-results/<int:pk>/", skills_views.results_public, name="skills_public"),
]
