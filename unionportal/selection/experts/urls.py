from django.urls import path

from . import views

app_name = "experts"

urlpatterns = [
    path("", views.stage_list, name="list"),
    path("programmes/<int:pk>/", views.stage_settings, name="stage"),
    path("panels/<int:pk>/", views.panel_detail, name="panel"),
    path("panels/<int:pk>/sheet.xlsx", views.panel_sheet, name="panel_sheet"),
    path("pool/", views.pool_list, name="pool"),
    path("pool/new/", views.pool_edit, name="pool_new"),
    path("pool/<int:pk>/", views.pool_edit, name="pool_edit"),
    path("mine/", views.my_assignments, name="mine"),
    path("mine/<int:pk>/", views.assignment_detail, name="assignment"),
    path("mine/<int:pk>/photo/", views.assignment_photo, name="assignment_photo"),
]
