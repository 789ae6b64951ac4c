from django.urls import path

from . import films_views

app_name = "films"

urlpatterns = [
    path("", films_views.film_list, name="list"),
    path("<int:pk>/", films_views.film_edit, name="edit"),
]
