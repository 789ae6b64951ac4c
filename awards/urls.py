from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
]
