from django.urls import path

from . import frontline_views, views

app_name = "awards"

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("new/<int:programme_id>/", views.nomination_create, name="create"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("<int:pk>/submit/", views.nomination_submit, name="submit"),
    path("<int:pk>/withdraw/", views.nomination_withdraw, name="withdraw"),
    path("<int:pk>/delete/", views.nomination_delete, name="delete"),
    path("<int:pk>/print/", views.nomination_print, name="print"),
    # 最美一线职工: the public ways in, the union's confirmation, the province's choice.
    path("frontline/", frontline_views.start, name="frontline"),
    path("frontline/self/verify/", frontline_views.verify, {"way": "self"}, name="frontline_self_verify"),
    path("frontline/other/verify/", frontline_views.verify, {"way": "other"}, name="frontline_other_verify"),
    path("frontline/self/", frontline_views.nominate, {"way": "self"}, name="frontline_self"),
    path("frontline/other/", frontline_views.nominate, {"way": "other"}, name="frontline_other"),
    path("frontline/submitted/", frontline_views.submitted, name="frontline_submitted"),
    path("frontline/consent/", frontline_views.consent, name="frontline_consent"),
    path("frontline/confirm/", frontline_views.confirmations, name="frontline_confirm"),
    path("frontline/choose/", frontline_views.choose, name="frontline_choose"),
]
