"""The video sites seeded by the data migration (kept light: the migration imports it)."""

# host, name, English name, watch pattern, embed template: what the data migration seeds; staff keep the
# list in the admin afterwards. A host without a pattern embeds its https links as given.
HOSTS = [
    ("www.hbtv.com.cn", "湖北广播电视台", "Hubei Radio and Television", "", ""),
    (
        "v.qq.com",
        "腾讯视频",
        "Tencent Video",
        r"^/x/(?:cover/[0-9A-Za-z]+|page)/(?P<id>[0-9A-Za-z]{6,20})\.html$",
        "https://v.qq.com/txp/iframe/player.html?vid={id}",
    ),
    (
        "www.bilibili.com",
        "哔哩哔哩",
        "bilibili",
        r"^/video/(?P<id>BV[0-9A-Za-z]{10})/?(?:\?.*)?$",
        "https://player.bilibili.com/player.html?bvid={id}&autoplay=0",
    ),
    ("player.bilibili.com", "哔哩哔哩播放器", "bilibili player", "", ""),
    (
        "www.ixigua.com",
        "西瓜视频",
        "Xigua Video",
        r"^/(?P<id>[0-9]{10,20})/?(?:\?.*)?$",
        "https://www.ixigua.com/iframe/{id}?autoplay=0",
    ),
    ("tv.cctv.com", "央视网", "CCTV.com", "", ""),
]


def hosts_ensure(host_model) -> int:
    """Add the hosts of HOSTS that ``host_model``'s table lacks (by host); staff edits are kept.
    ``host_model``: ``VideoHost``, or the migration's historical model. Returns how many were added."""
    present = set(host_model.objects.values_list("host", flat=True))
    missing = [
        host_model(
            host=host, name=name, name_en=name_en, watch_pattern=pattern, embed_template=template, position=n
        )
        for n, (host, name, name_en, pattern, template) in enumerate(HOSTS, start=1)
        if host not in present
    ]
    host_model.objects.bulk_create(missing)
    return len(missing)
