from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("honourees/", views.honouree_list, name="honourees"),
    path("honourees/<int:pk>/", views.honouree_detail, name="honouree"),
    path("honourees/<int:pk>/photo/", views.honouree_photo, name="honouree_photo"),
    path("honourees/<int:pk>/share.png", views.honouree_share, name="honouree_share"),
    path("news/", views.news_list, name="news"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("privacy/", views.privacy, name="privacy"),
]
