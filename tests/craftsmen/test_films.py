"""Films of the 荆楚工匠: the allowed hosts as data, watch links turned into player URLs, every bad link
refused with its message and nothing saved, the staff page and who may use it, the hosts' admin."""

import pytest
from django.urls import reverse

from craftsmen.admin import VideoHostForm
from craftsmen.films import FilmRejected, embed_url_of, film_link_check, films_save, frame_origins
from craftsmen.models import CraftsmanPoster, Film, VideoHost
from craftsmen.video_hosts import HOSTS, hosts_ensure
from unionportal.audit.models import AuditEvent
from unionportal.uploads.models import StoredFile

from .factories import jpeg, recommend
from .factories_public import FEATURE, TEACHING, approve, big_world

pytestmark = pytest.mark.django_db

BILIBILI = "https://www.bilibili.com/video/BV1Xs411c7mD"


@pytest.fixture
def hosts():
    hosts_ensure(VideoHost)


@pytest.fixture
def chosen(hosts):
    """A world with one craftsman approved at the province (chosen): films may be added."""
    w = big_world()
    c = recommend(w, 1, submit=True)
    approve(w, [c])
    c.refresh_from_db()
    return w, c


def host(name):
    return VideoHost.objects.get(host=name)


def test_the_migration_seeds_the_tv_station_and_the_major_platforms(hosts):
    assert set(VideoHost.objects.values_list("host", flat=True)) >= {row[0] for row in HOSTS}
    assert {"www.hbtv.com.cn", "v.qq.com", "www.bilibili.com", "www.ixigua.com", "tv.cctv.com"} <= set(
        VideoHost.objects.values_list("host", flat=True)
    )


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (BILIBILI, "https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD&autoplay=0"),
        (
            BILIBILI + "/?spm_id_from=333",
            "https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD&autoplay=0",
        ),
        (
            "https://v.qq.com/x/cover/mzc00200abcd123/u0041xyz789.html",
            "https://v.qq.com/txp/iframe/player.html?vid=u0041xyz789",
        ),
        (
            "https://v.qq.com/x/page/b3356abcdef.html",
            "https://v.qq.com/txp/iframe/player.html?vid=b3356abcdef",
        ),
        (
            "https://www.ixigua.com/7212345678901234567",
            "https://www.ixigua.com/iframe/7212345678901234567?autoplay=0",
        ),
        # Hosts without a rule embed their https links as given.
        ("https://www.hbtv.com.cn/p/2026/0501/gj01.html", "https://www.hbtv.com.cn/p/2026/0501/gj01.html"),
        (
            "https://tv.cctv.com/2026/05/01/VIDEabc123.shtml",
            "https://tv.cctv.com/2026/05/01/VIDEabc123.shtml",
        ),
        (
            "HTTPS://WWW.Bilibili.com/video/BV1Xs411c7mD",
            "https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD&autoplay=0",
        ),
    ],
)
def test_watch_links_become_the_hosts_player_urls(hosts, url, embed):
    assert film_link_check(url).embed_url == embed


def test_the_player_origins_are_read_from_the_hosts(hosts):
    assert frame_origins() == {
        "https://www.hbtv.com.cn",
        "https://v.qq.com",
        "https://player.bilibili.com",
        "https://www.ixigua.com",
        "https://tv.cctv.com",
    }
    VideoHost.objects.filter(host="www.ixigua.com").update(is_active=False)
    assert "https://www.ixigua.com" not in frame_origins()


def test_a_pattern_host_rejects_a_link_that_is_not_one_video(hosts):
    assert embed_url_of(host("www.bilibili.com"), "https://www.bilibili.com/anime/") is None
    with pytest.raises(ValueError, match="这不是哔哩哔哩的单个视频播放页链接，无法嵌入。"):
        film_link_check("https://www.bilibili.com/anime/")


HOST_LIST = "www.hbtv.com.cn、v.qq.com、www.bilibili.com、player.bilibili.com、www.ixigua.com、tv.cctv.com"
BAD_LINKS = {
    "https://www.youku.com/v_show/id_XNTk.html": f"“www.youku.com”不在允许嵌入的视频网站名单中。允许的网站：{HOST_LIST}。",
    "javascript:alert(document.cookie)": "不接受 javascript: 或 data: 等脚本地址，请粘贴以 https:// 开头的视频链接。",
    " JavaScript:alert(1)": "不接受 javascript: 或 data: 等脚本地址，请粘贴以 https:// 开头的视频链接。",
    "data:text/html;base64,PHNjcmlwdD4=": "不接受 javascript: 或 data: 等脚本地址，请粘贴以 https:// 开头的视频链接。",
    '<iframe src="https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD"></iframe>': (
        "请粘贴视频的网页链接（以 https:// 开头），不要粘贴 <iframe> 嵌入代码。"
    ),
    "http://www.bilibili.com/video/BV1Xs411c7mD": "只接受以 https:// 开头的安全链接，请改用该视频的 https 地址。",
    "www.bilibili.com/video/BV1Xs411c7mD": "请填写以 https:// 开头的完整视频链接。",
    "https://www.bilibili.com.evil.example/video/BV1Xs411c7mD": (
        f"“www.bilibili.com.evil.example”不在允许嵌入的视频网站名单中。允许的网站：{HOST_LIST}。"
    ),
    "https://user@www.bilibili.com/video/BV1Xs411c7mD": "链接不能包含用户名、密码或端口号。",
    "https://www.bilibili.com:8443/video/BV1Xs411c7mD": "链接不能包含用户名、密码或端口号。",
    "https://www.bilibili.com/video/BV1Xs411c7mD x": "链接中不能有空格、反斜杠或控制字符。",
}


@pytest.mark.parametrize(("url", "message"), BAD_LINKS.items())
def test_a_bad_link_is_refused_with_its_message(hosts, url, message):
    with pytest.raises(ValueError) as refused:
        film_link_check(url)
    assert str(refused.value) == message


def test_an_inactive_host_is_not_on_the_list(hosts):
    VideoHost.objects.filter(host="www.ixigua.com").update(is_active=False)
    with pytest.raises(ValueError, match=r"“www\.ixigua\.com”不在允许嵌入的视频网站名单中"):
        film_link_check("https://www.ixigua.com/7212345678901234567")


def edit_url(c):
    return reverse("craftsmen:films:edit", args=[c.pk])


def film_post(rows, **extra):
    data = {
        "films-TOTAL_FORMS": str(len(rows)),
        "films-INITIAL_FORMS": "0",
        "films-MIN_NUM_FORMS": "0",
        "films-MAX_NUM_FORMS": "7",
    }
    for n, (kind, title, url) in enumerate(rows):
        data.update({f"films-{n}-kind": kind, f"films-{n}-title": title, f"films-{n}-url": url})
    data.update(extra)
    return data


def test_staff_add_a_feature_and_teaching_films_and_a_poster(client, chosen):
    w, c = chosen
    client.force_login(w.province)
    assert client.get(edit_url(c)).status_code == 200
    response = client.post(
        edit_url(c),
        film_post(
            [("feature", "匠心", FEATURE), ("teaching", "仰焊要领", TEACHING)], poster=jpeg("poster.jpg")
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["已保存 工匠1 的影片和海报。"]
    films = list(Film.objects.filter(craftsman_id=c.pk).order_by("position"))
    assert [(f.kind, f.title, f.embed_url) for f in films] == [
        ("feature", "匠心", "https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD&autoplay=0"),
        ("teaching", "仰焊要领", "https://v.qq.com/txp/iframe/player.html?vid=u0041xyz789"),
    ]
    poster = CraftsmanPoster.objects.get(craftsman_id=c.pk)
    # Not public before the craftsman is.
    assert poster.image.is_public is False
    event = AuditEvent.objects.get(action="craftsmen.films.save", object_id=str(c.pk))
    assert set(event.changes) == {"films", "poster"}
    # The form shows them again for editing.
    html = client.get(edit_url(c)).content.decode()
    assert 'value="匠心"' in html and "poster.jpg" in html


@pytest.mark.parametrize(("url", "message"), BAD_LINKS.items())
def test_the_staff_page_refuses_each_bad_link_beside_its_field_and_saves_nothing(
    client, chosen, url, message
):
    w, c = chosen
    client.force_login(w.province)
    files_before = StoredFile.objects.count()
    response = client.post(
        edit_url(c),
        film_post([("feature", "匠心", FEATURE), ("teaching", "教学片", url)], poster=jpeg("poster.jpg")),
    )
    assert response.status_code == 400
    formset = response.context["formset"]
    assert formset.forms[1].errors == {"url": [message]}
    assert not formset.forms[0].errors
    assert Film.objects.filter(craftsman_id=c.pk).count() == 0
    assert not CraftsmanPoster.objects.filter(craftsman_id=c.pk).exists()
    assert StoredFile.objects.count() == files_before
    assert not AuditEvent.objects.filter(action="craftsmen.films.save").exists()


def test_two_feature_films_are_refused(client, chosen):
    w, c = chosen
    client.force_login(w.province)
    response = client.post(edit_url(c), film_post([("feature", "一", FEATURE), ("feature", "二", BILIBILI)]))
    assert response.status_code == 400
    assert list(response.context["formset"].non_form_errors()) == ["每位工匠只能有一部专题片。"]
    assert Film.objects.count() == 0


def test_a_poster_that_is_not_an_image_is_refused_and_nothing_saved(client, chosen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w, c = chosen
    client.force_login(w.province)
    fake = SimpleUploadedFile("poster.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post(edit_url(c), film_post([("feature", "匠心", FEATURE)], poster=fake))
    assert response.status_code == 400
    assert response.context["poster_form"].errors["poster"]
    assert Film.objects.count() == 0


def test_the_service_checks_every_film_before_writing(chosen):
    w, c = chosen
    films_save(actor=w.province, pk=c.pk, films=[{"kind": "feature", "title": "旧片", "url": FEATURE}])
    with pytest.raises(FilmRejected) as rejected:
        films_save(
            actor=w.province,
            pk=c.pk,
            films=[
                {"kind": "teaching", "title": "好的", "url": TEACHING},
                {"kind": "teaching", "title": "", "url": "javascript:alert(1)"},
            ],
        )
    assert rejected.value.errors == {
        "films-1-title": ["请填写影片标题。"],
        "films-1-url": ["不接受 javascript: 或 data: 等脚本地址，请粘贴以 https:// 开头的视频链接。"],
    }
    assert list(Film.objects.values_list("title", flat=True)) == ["旧片"]


def test_films_of_a_craftsman_still_under_review_are_404(client, hosts):
    w = big_world()
    c = recommend(w, 1, submit=True)
    client.force_login(w.province)
    assert client.get(edit_url(c)).status_code == 404
    with pytest.raises(Exception) as refused:
        films_save(actor=w.province, pk=c.pk, films=[])
    assert refused.type.__name__ == "Http404"


def test_only_province_staff_keep_films(client, chosen):
    w, c = chosen
    for user in (w.county_a, w.city_a, w.submitter_a):
        client.force_login(user)
        assert client.get(edit_url(c)).status_code == 404, user
        assert client.post(edit_url(c), film_post([("feature", "x", FEATURE)])).status_code == 404
        assert client.get(reverse("craftsmen:films:list")).status_code == 403
    assert Film.objects.count() == 0
    client.logout()
    assert client.get(edit_url(c)).status_code == 302


def test_the_film_list_shows_chosen_craftsmen(client, chosen, django_assert_max_num_queries):
    w, c = chosen
    client.force_login(w.province)
    with django_assert_max_num_queries(25):
        html = client.get(reverse("craftsmen:films:list")).content.decode()
    assert "工匠1" in html and edit_url(c) in html


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"host": "https://v.qq.com/"}, {"host": ["请只填写域名，例如 v.qq.com（不含 https:// 和路径）。"]}),
        ({"host": "a.example.com", "watch_pattern": "(["}, {"watch_pattern": ["这不是有效的正则表达式。"]}),
        (
            {
                "host": "a.example.com",
                "watch_pattern": r"^/v/(\d+)$",
                "embed_template": "https://a.example.com/e/{id}",
            },
            {"watch_pattern": ["规则必须含命名分组 (?P<id>…)，用来取出视频编号。"]},
        ),
        (
            {
                "host": "a.example.com",
                "watch_pattern": r"^/v/(?P<id>\d+)$",
                "embed_template": "http://a.example.com/{id}",
            },
            {"embed_template": ["有观看链接规则时，嵌入地址模板必须以 https:// 开头并含 {id}。"]},
        ),
    ],
)
def test_the_host_admin_form_refuses_bad_rules(hosts, fields, errors):
    data = {
        "host": "",
        "name": "示例",
        "name_en": "",
        "watch_pattern": "",
        "embed_template": "",
        "position": 9,
    }
    data.update(fields)
    form = VideoHostForm(data=data)
    assert not form.is_valid()
    assert form.errors == errors


def test_province_staff_open_the_hosts_admin_and_others_do_not(client, hosts):
    w = big_world()
    client.force_login(w.province)
    url = reverse("admin:craftsmen_videohost_changelist")
    assert client.get(url).status_code == 200
    client.force_login(w.county_a)
    assert client.get(url).status_code in (302, 403)
