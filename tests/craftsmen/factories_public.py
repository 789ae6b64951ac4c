"""Published 荆楚工匠 for the film and public-page tests: recommended, reviewed county → city → province,
given films and a poster, put on notice and published, all through the services users go through."""

from datetime import timedelta

from django.utils import timezone

from craftsmen.films import films_save
from craftsmen.models import VideoHost
from craftsmen.video_hosts import hosts_ensure
from unionportal.public.models import PublicEntry
from unionportal.selection import services

from .factories import jpeg, recommend, world

FEATURE = "https://www.bilibili.com/video/BV1Xs411c7mD"
TEACHING = "https://v.qq.com/x/cover/mzc00200abcd123/u0041xyz789.html"


def films_for(n: int) -> list[dict]:
    return [
        {"kind": "feature", "title": f"匠心·工匠{n}", "url": FEATURE},
        {"kind": "teaching", "title": f"工匠{n}教学片：仰焊要领", "url": TEACHING},
    ]


def big_world():
    return world(limit=30, quota=40, county_quota=30, city_quota=30)


def approve(w, candidacies):
    pks = [c.pk for c in candidacies]
    by_org = {}
    for c in candidacies:
        by_org.setdefault(c.organisation_id, []).append(c.pk)
    for county, city in (("county_a", "city_a"), ("county_b", "city_b")):
        pks_here = by_org.get(w.tree[county.replace("county", "grassroots")].pk, [])
        if not pks_here:
            continue
        services.forward(
            actor=getattr(w, county), programme=w.programme, organisation=w.tree[county], pks=pks_here
        )
        city_user = getattr(w, city, None) or w.province
        services.forward(actor=city_user, programme=w.programme, organisation=w.tree[city], pks=pks_here)
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=pks)


def notice(w):
    return services.notice_open(
        actor=w.province,
        programme=w.programme,
        starts_on=timezone.localdate() - timedelta(days=30),
        office="省总工会",
        phone="027-85000000",
        address="武汉市",
    )


def publish(w):
    return services.programme_publish(actor=w.province, programme=w.programme, today=timezone.localdate())


def published_craftsmen(count: int = 1, *, w=None, films: bool = True, poster: bool = True):
    """(world, candidacies, public rows) of ``count`` published craftsmen of one batch, with films."""
    hosts_ensure(VideoHost)  # a flushed (transactional) test database has lost the migration's rows
    w = w or big_world()
    candidacies = [recommend(w, n, submit=True, name=f"工匠{n}") for n in range(1, count + 1)]
    approve(w, candidacies)
    for n, c in enumerate(candidacies, start=1):
        if films or poster:
            films_save(
                actor=w.province,
                pk=c.pk,
                films=films_for(n) if films else [],
                poster=jpeg(f"poster{n}.jpg") if poster else None,
            )
    notice(w)
    publish(w)
    entries = [PublicEntry.objects.get(source=c.public_source) for c in candidacies]
    for c in candidacies:
        c.refresh_from_db()
    return w, candidacies, entries
