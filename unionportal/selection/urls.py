from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path("<int:pk>/", views.candidacy_detail, name="candidacy"),
    path("review/", views.review, name="review"),
    path("programmes/<int:pk>/final/", views.final, name="final"),
    path("programmes/<int:pk>/publish/", views.publish, name="publish"),
    path("programmes/<int:pk>/revoke/<int:candidacy_pk>/", views.revoke, name="revoke"),
    path("programmes/<int:pk>/allocations/", views.allocations, name="allocations"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("objections/<int:pk>/reveal/", views.objection_reveal, name="objection_reveal"),
]
