from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("new/<int:programme_id>/", views.nomination_create, name="create"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("<int:pk>/submit/", views.nomination_submit, name="submit"),
    path("<int:pk>/withdraw/", views.nomination_withdraw, name="withdraw"),
    path("<int:pk>/delete/", views.nomination_delete, name="delete"),
    path("<int:pk>/print/", views.nomination_print, name="print"),
]
