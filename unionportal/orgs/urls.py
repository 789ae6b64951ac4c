from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/import/", views.user_import, name="user_import"),
    path("users/import/template/", views.user_import_template, name="user_import_template"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
]
