"""RSS and Atom feeds of the live news (per category with ``?category=``), and the sitemap.

Both read ``News.objects.live()`` and the published honourees only, so a scheduled, withdrawn, noticed or
revoked item never appears; they are whole-page cached like the public pages and dropped on publishing.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import selectors
from .cache import public_page
from .models import News


def category_of(request) -> str:
    """The ``category`` asked for: empty for all, 404 for one that does not exist."""
    category = request.GET.get("category", "")
    if category and category not in News.Category.values:
        raise Http404
    return category


class NewsFeed(Feed):
    def get_object(self, request):
        return category_of(request)

    def title(self, category):
        label = dict(News.Category.choices).get(category)
        operator = settings.SITE_OPERATOR
        return f"{operator} · {label}" if label else f"{operator} · {_('新闻动态')}"

    def link(self, category):
        return reverse("public:news") + (f"?category={category}" if category else "")

    def description(self, category):
        return _("五一系列活动平台发布的新闻、通知和劳模工匠故事。")

    def items(self, category):
        return selectors.feed_news(category=category)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body[:200]

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_category_display()]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


_rss, _atom = NewsFeed(), AtomNewsFeed()


@public_page
def news_rss(request):
    return _rss(request)


@public_page
def news_atom(request):
    return _atom(request)


@public_page
def sitemap(request):
    site = settings.SITE_URL.rstrip("/")
    rows = selectors.sitemap_rows()
    urls = [(site + reverse("public:index"), None), (site + reverse("public:news"), None)]
    urls += [(site + reverse("public:honourees"), None), (site + reverse("public:cartoons"), None)]
    urls += [(site + reverse("public:courses"), None)]
    urls += [(site + item.get_absolute_url(), item.updated_at) for item in rows["news"]]
    urls += [(site + entry.get_absolute_url(), entry.published_at) for entry in rows["honourees"]]
    urls += [(site + course.get_absolute_url(), course.updated_at) for course in rows["courses"]]
    return render(request, "public/sitemap.xml", {"urls": urls}, content_type="application/xml")
