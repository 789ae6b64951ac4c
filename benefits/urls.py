from django.urls import path

from . import views

app_name = "benefits"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("<int:pk>/signup/", views.signup, name="signup"),
    path("me/", views.mine, name="mine"),
    path("me/signups/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("manage/", views.offer_list, name="offers"),
    path("manage/new/", views.offer_create, name="offer_create"),
    path("manage/<int:pk>/", views.offer_detail, name="offer"),
    path("manage/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("manage/<int:pk>/publish/", views.offer_publish, name="offer_publish"),
    path("manage/<int:pk>/close/", views.offer_close, name="offer_close"),
    path("manage/<int:pk>/export/", views.offer_export, name="offer_export"),
    path("manage/signups/<int:pk>/confirm/", views.signup_confirm, name="signup_confirm"),
    path("manage/signups/<int:pk>/refuse/", views.signup_refuse, name="signup_refuse"),
    path("manage/signups/<int:pk>/reveal/", views.signup_reveal, name="signup_reveal"),
]
