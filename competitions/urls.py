from django.urls import path

from . import tours, views

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
    path("report-tours/", tours.schedule, name="schedule"),
]
