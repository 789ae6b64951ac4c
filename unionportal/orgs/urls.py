from django.urls import path

from . import founding_views, views, views_members

app_name = "orgs"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/import/", views.user_import, name="user_import"),
    path("users/import/template/", views.user_import_template, name="user_import_template"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    # A worker's own pages: the real-name profile, joining a union, the membership card.
    path("me/profile/", views_members.my_profile, name="my_profile"),
    path("me/profile/reveal/", views_members.my_profile_reveal, name="my_profile_reveal"),
    path("me/joining/", views_members.my_joining, name="my_joining"),
    path("me/joining/withdraw/", views_members.my_joining_withdraw, name="my_joining_withdraw"),
    path("me/card/", views_members.my_card, name="my_card"),
    path("card/check/", views_members.card_check, name="card_check"),
    # The member registry and the applications to join.
    path("members/", views_members.member_list, name="members"),
    path("members/new/", views_members.member_create, name="member_create"),
    path("members/<int:pk>/", views_members.member_detail, name="member"),
    path("members/<int:pk>/reveal/", views_members.member_reveal, name="member_reveal"),
    path("members/<int:pk>/transfer/", views_members.member_transfer, name="member_transfer"),
    path("members/<int:pk>/leave/", views_members.member_leave, name="member_leave"),
    path("joining/", views_members.joining_queue, name="joining"),
    path("joining/<int:pk>/", views_members.joining_detail, name="joining_detail"),
    # Founding a union (工会组建): the applicant's pages, the upper union's queue, the drive's target list.
    path("me/founding/", founding_views.my_founding, name="my_founding"),
    path("me/founding/<int:pk>/", founding_views.my_founding_detail, name="my_founding_detail"),
    path("me/founding/<int:pk>/withdraw/", founding_views.my_founding_withdraw, name="my_founding_withdraw"),
    path("founding/", founding_views.founding_queue, name="founding"),
    path("founding/<int:pk>/", founding_views.founding_detail, name="founding_detail"),
    path("founding/targets/", founding_views.founding_targets, name="founding_targets"),
]
