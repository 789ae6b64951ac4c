"""The 2026 campaign's milestones, taken from the campaign plan (campaign-plan.txt).

The plan dates four steps ("4月上旬", "4月中旬", "6月底前", "年底前") and the May Day publicity; a step dated
only by part of a month is due on the last day of that part. The award programmes themselves carry no
dates in the plan: their intake windows belong to the programmes.
"""

from datetime import date

from django.db import transaction

from unionportal.orgs.enums import Level

from .models import Campaign, Milestone

CAMPAIGN_2026 = {
    "year": 2026,
    "theme": "践行新理念，有为新常态，争当主力军",
    "starts_on": date(2026, 3, 1),
    "ends_on": date(2026, 12, 31),
}

MILESTONES_2026 = [
    {
        "title": "全省行业集体协商推动会",
        "due_on": date(2026, 4, 10),
        "responsible_level": Level.PROVINCE,
        "description": "4月上旬在宜城召开全省行业集体协商推动会，总结推广宜城水晶行业集体协商的经验，部署全省县以下工会集体协商工作。",
    },
    {
        "title": "全省“十三五”劳动竞赛动员大会",
        "due_on": date(2026, 4, 20),
        "responsible_level": Level.PROVINCE,
        "description": "4月中旬召开全省“十三五”劳动竞赛动员大会，部署“践行新理念、建功‘十三五’”劳动竞赛。",
    },
    {
        "title": "“五一”当天集中刊（播）发庆祝活动消息",
        "due_on": date(2026, 5, 1),
        "responsible_level": Level.PROVINCE,
        "description": "“五一”当天，在各大媒体集中刊（播）发庆祝活动消息、评论员文章，并借主流媒体的微博、微信、客户端推送。",
    },
    {
        "title": "省总本级信息平台基本建成",
        "due_on": date(2026, 6, 30),
        "responsible_level": Level.PROVINCE,
        "description": "6月底前，省总本级“互联网+”服务职工信息平台基本建成。",
    },
    {
        "title": "市州工会建成覆盖城区的网络体系",
        "due_on": date(2026, 6, 30),
        "responsible_level": Level.CITY,
        "description": "6月底前，各市州工会建成覆盖城区的“互联网+”服务职工网络体系。",
    },
    {
        "title": "全省县以上基本完成“互联网+”服务职工体系",
        "due_on": date(2026, 12, 31),
        "responsible_level": Level.COUNTY,
        "description": "年底前全省县以上工会基本完成“互联网+”服务职工体系建设，逐步形成“全省一张网、五级全覆盖”。",
    },
]


def load_plan_2026() -> dict[str, int]:
    """Create or update the 2026 campaign's milestones (and the campaign, if it is missing: current only
    when no other campaign is). Idempotent: milestones are looked up by title within the campaign."""
    stats = {"created": 0, "updated": 0}
    with transaction.atomic():
        campaign = Campaign.objects.filter(year=CAMPAIGN_2026["year"]).first()
        if campaign is None:
            campaign = Campaign(
                **CAMPAIGN_2026, is_current=not Campaign.objects.filter(is_current=True).exists()
            )
            campaign.full_clean()
            campaign.save()
        for data in MILESTONES_2026:
            milestone = Milestone.objects.filter(campaign=campaign, title=data["title"]).first()
            if milestone is None:
                Milestone.objects.create(campaign=campaign, **data)
                stats["created"] += 1
                continue
            changed = [field for field, value in data.items() if getattr(milestone, field) != value]
            if changed:
                for field in changed:
                    setattr(milestone, field, data[field])
                milestone.save(update_fields=[*changed, "updated_at"])
                stats["updated"] += 1
    return stats
