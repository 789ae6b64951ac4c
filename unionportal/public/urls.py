from django.urls import path

from . import feeds, views, views_education

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("honourees/", views.honouree_list, name="honourees"),
    path("honourees/<int:pk>/", views.honouree_detail, name="honouree"),
    path("honourees/<int:pk>/photo/", views.honouree_photo, name="honouree_photo"),
    path("honourees/<int:pk>/share.png", views.honouree_share, name="honouree_share"),
    path("honourees/<int:pk>/cartoon.img", views_education.cartoon_image, name="cartoon_image"),
    path("honourees/<int:pk>/cartoon-thumb.img", views_education.cartoon_thumbnail, name="cartoon_thumbnail"),
    path("cartoons/", views_education.cartoon_gallery, name="cartoons"),
    path("staff/cartoons/", views_education.cartoon_manage, name="cartoon_manage"),
    path("staff/cartoons/<int:pk>/", views_education.cartoon_edit, name="cartoon_edit"),
    path("news/", views.news_list, name="news"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("news/<int:pk>/share.png", views.news_share, name="news_share"),
    path("news/feed/rss/", feeds.news_rss, name="news_rss"),
    path("news/feed/atom/", feeds.news_atom, name="news_atom"),
    path("sitemap.xml", feeds.sitemap, name="sitemap"),
    path("courses/", views_education.course_list, name="courses"),
    path("courses/<int:pk>/", views_education.course_detail, name="course"),
    path("courses/lessons/<int:pk>/", views_education.lesson_detail, name="lesson"),
    path("courses/lessons/<int:pk>/done/", views_education.lesson_done, name="lesson_done"),
    path("staff/courses/", views_education.course_report, name="course_report"),
    path("privacy/", views.privacy, name="privacy"),
]
