from django.urls import include, path

from . import views

app_name = "craftsmen"

urlpatterns = [
    path("", views.recommendation_list, name="list"),
    path("new/<int:programme_id>/", views.recommendation_create, name="create"),
    path("<int:pk>/", views.recommendation_detail, name="detail"),
    path("<int:pk>/edit/", views.recommendation_edit, name="edit"),
    path("<int:pk>/submit/", views.recommendation_submit_view, name="submit"),
    path("<int:pk>/withdraw/", views.recommendation_withdraw, name="withdraw"),
    path("<int:pk>/delete/", views.recommendation_delete, name="delete"),
    path("programmes/<int:pk>/batch/", views.batch, name="batch"),
    path("programmes/<int:pk>/batch.xlsx", views.batch_export, name="batch_export"),
    path("films/", include("craftsmen.film_urls")),
]
