from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("honourees/", views.honouree_list, name="honourees"),
    path("honourees/<int:pk>/", views.honouree_detail, name="honouree"),
    path("privacy/", views.privacy, name="privacy"),
]
