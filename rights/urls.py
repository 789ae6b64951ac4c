from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path("", views.my_list, name="mine"),
    path("new/", views.request_file, name="file"),
    path("mine/<int:pk>/", views.my_request, name="my_request"),
    path("mine/<int:pk>/rate/", views.my_rate, name="my_rate"),
    path("tip/", views.tip, name="tip"),
    path("track/", views.track, name="track"),
    path("queue/", views.queue, name="queue"),
    path("queue/export/", views.queue_export, name="queue_export"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/accept/", views.request_accept, name="accept"),
    path("requests/<int:pk>/steps/new/", views.step_create, name="step_create"),
    path("requests/<int:pk>/conclude/", views.request_conclude, name="conclude"),
    path("requests/<int:pk>/escalate/", views.request_escalate, name="escalate"),
    path("stats/", views.stats, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
    path("flags/", views.flags, name="flags"),
    path("flags/<int:pk>/", views.flag_detail, name="flag"),
]
