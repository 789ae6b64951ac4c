from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path("<int:pk>/", views.candidacy_detail, name="candidacy"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
]
