from django.urls import path

from . import views

app_name = "bargaining"

urlpatterns = [
    path("targets/", views.target_list, name="targets"),
    path("targets/export/", views.target_export, name="target_export"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
    path("offers/<int:pk>/send/", views.offer_send, name="offer_send"),
    path("offers/<int:pk>/reply/", views.offer_reply, name="offer_reply"),
    path("offers/<int:pk>/negotiate/", views.offer_negotiate, name="offer_negotiate"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/coverage/", views.agreement_coverage, name="agreement_coverage"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("agreements/<int:pk>/negotiators/", views.agreement_negotiators, name="agreement_negotiators"),
    path("agreements/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("agreements/<int:pk>/terms/", views.agreement_terms, name="agreement_terms"),
    path("agreements/<int:pk>/vote/", views.agreement_vote, name="agreement_vote"),
    path("agreements/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/<int:pk>/file/", views.agreement_file, name="agreement_file"),
    path("agreements/<int:pk>/objection/", views.agreement_objection, name="agreement_objection"),
    path("progress/", views.progress_page, name="progress"),
    path("progress/export/", views.progress_export, name="progress_export"),
]
