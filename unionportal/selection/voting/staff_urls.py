from django.urls import path

from . import views_staff

app_name = "voting_staff"

urlpatterns = [
    path("", views_staff.stage_list, name="list"),
    path("programmes/<int:pk>/", views_staff.stage_settings, name="stage"),
    path("<int:pk>/quarantine/", views_staff.quarantine, name="quarantine"),
    path("<int:pk>/ranking/", views_staff.ranking, name="ranking"),
    path("<int:pk>/ranking.xlsx", views_staff.ranking_export, name="ranking_export"),
]
