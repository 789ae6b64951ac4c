from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("", views.vote_list, name="list"),
    path("<int:pk>/", views.vote_page, name="stage"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/cast/", views.vote_cast, name="cast"),
    path("<int:pk>/photo/<int:candidate_pk>/", views.candidate_photo, name="photo"),
]
