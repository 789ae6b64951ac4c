from django.urls import path

from . import views_public

app_name = "notices"

urlpatterns = [
    path("<int:pk>/", views_public.notice_detail, name="detail"),
]
