from django.urls import path

from . import public_views

app_name = "craftsmen_public"

urlpatterns = [
    path("", public_views.batch_list, name="batches"),
    path("<int:pk>/", public_views.craftsman_detail, name="craftsman"),
]
