from django.urls import path

from . import views_public

app_name = "notices"

urlpatterns = [
    path("", views_public.notice_list, name="list"),
    path("receipt/", views_public.receipt_lookup, name="receipt"),
    path("<int:pk>/", views_public.notice_detail, name="detail"),
]
