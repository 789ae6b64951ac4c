from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("<str:key>/", views.upload, name="upload"),
    path("<str:key>/template.xlsx", views.template, name="template"),
    path("<str:key>/export/", views.export, name="export"),
    path("<str:key>/export.<str:fmt>", views.export_download, name="export_download"),
]
