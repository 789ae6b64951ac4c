from django.urls import path

from . import views

app_name = "uploads"

urlpatterns = [
    path("<uuid:pk>/", views.file_serve, name="file"),
    path("<uuid:pk>/thumb/", views.thumbnail_serve, name="thumbnail"),
]
