from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone"),
    path("milestones/<int:pk>/done/<int:org_pk>/", views.milestone_done, name="milestone_done"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/overview/", views.report_overview, name="report_overview"),
    path("reports/gallery/", views.report_gallery, name="gallery"),
    path("reports/review/", views.review_queue, name="review"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
]
