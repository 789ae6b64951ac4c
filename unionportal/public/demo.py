"""Demo news for ``seed_demo`` (registered in apps.py): the campaign's announcements, work news, model
workers' stories (劳模故事, from the campaign plan's programmes), craftsmen's portraits (工匠风采) and
competition news (竞赛动态), each with a generated cover, and the May Day announcement scheduled ahead.

The texts follow the campaign plan (campaign-plan.txt): the mobilisation of the May Day series, the
nominations for the 五一劳动奖 and the first 荆楚工匠, the 10,000-cadres drive, the concentrated offer
drive and the bargaining meeting in 宜城, the labour-competition rally, the "Internet+" platform and the
innovation stars' touring reports; the 2025 list and two of its honourees. Items are dated on the
campaign's calendar (``awards.demo``'s 2026 dates, the demo standing on 27 April): the call for
nominations when the intake opened on 2 February, the medal notice when it was opened on 21 April, the
May Day announcement scheduled for 00:00 on 1 May, so that staff see it scheduled in the admin and the
periodic job (``public.news_went_live``) puts it live. An item is never dated later than now, except
the one scheduled.

Covers go through the upload path as public images, like the admin's cover upload. Idempotent: news by
title; an existing item is left as it is.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from unionportal import demo_images
from unionportal.uploads.services import upload_store

from .cache import invalidate
from .models import News

A, N, S = News.Category.ANNOUNCEMENT, News.Category.NEWS, News.Category.STORY
K, C = News.Category.CRAFTSMAN, News.Category.COMPETITION
MAY_DAY_TITLE = "庆祝“五一”国际劳动节 2026年湖北省五一劳动奖章获得者名单发布"


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_current_timezone())


# (title, category, summary, body, when: a date of the plan, or "intake" / "notice" / "may_day")
NEWS = [
    (
        "省总工会部署2026年庆祝“五一”系列活动",
        N,
        "以“践行新理念，有为新常态，争当主力军”为主题，在“五一”前后推出弘扬劳模精神、维护职工权益、服务发展大局三大类系列活动。",
        "3月5日，省总工会召开庆祝“五一”系列活动动员部署会。会议要求，全省各级工会以“践行新理念，有为新常态，争当主力军”"
        "为主题，按照“服务职工、服务企业、服务大局”的总体要求，大力弘扬劳模精神、工匠精神，着力维护和保障职工权益。\n\n"
        "系列活动包括：做好全国和全省五一奖推荐评选表彰工作；推荐宣传首批“荆楚工匠”；开展寻找“最美一线职工”活动；"
        "开展“万名工会干部进万企帮万户”活动和“工资集体协商集中要约行动”；加快“互联网+”服务职工体系建设；"
        "广泛开展“践行新理念、建功‘十三五’”劳动竞赛，组织职工创业创新明星报告团巡回报告。\n\n"
        "会议强调，各级工会要细化活动方案，整体谋划、统筹推动，把系列活动落实到基层、落实到班组。",
        date(2026, 3, 5),
    ),
    (
        "关于开展2026年湖北省五一劳动奖和工人先锋号推荐评选工作的通知",
        A,
        "评选表彰50个五一劳动奖状、100名五一劳动奖章和100个工人先锋号，坚持面向基层、面向一线。",
        "各市州总工会、省直各产业工会：\n\n"
        "2026年评选表彰湖北省五一劳动奖状50个、五一劳动奖章100名、工人先锋号100个，并按标准向全国总工会推荐全国五一劳动奖。"
        "评选坚持面向基层、面向一线，一线职工比例不低于65%，农民工比例不低于15%，企业负责人比例不超过20%。\n\n"
        "评选在坚持以往条件的基础上突出新的时代特征，注重推荐在推动转型发展、创新驱动、共建共享、协调发展、绿色发展、"
        "农业现代化、精准扶贫等方面作出突出贡献的单位和个人。\n\n"
        "推荐材料通过本平台逐级填报、审核，经县（市、区）、市州总工会审核后报省总工会，省总工会审定后公示。",
        "intake",
    ),
    (
        "推荐宣传首批“荆楚工匠”工作启动",
        A,
        "通过企业推荐、专家论证、社会评议，在全省推出首批10名高技能、有绝活的“荆楚工匠”。",
        "省总工会启动首批“荆楚工匠”推荐宣传工作。通过企业推荐、专家论证、社会评议，挖掘高技能领军人物和顶尖人才资源，"
        "在全省推出首批10名高技能、有绝活的“荆楚工匠”，在职工中倡导坚守专注、精益求精、推陈出新、别具匠心的工匠精神，"
        "形成学技术、增本领、立足岗位成才的良好导向。\n\n"
        "专家论证阶段，入库专家将在平台上申报回避情况并逐项评分；社会评议阶段将在本网站开放公众投票。"
        "省总工会将联合省电视台拍摄《荆楚工匠》专题片和教学片。",
        date(2026, 3, 16),
    ),
    (
        "“万名工会干部进万企帮万户”活动启动",
        N,
        "各级工会干部深入企业，通过建档立卡、精准识别、因户施策，重点帮扶去产能过程中的企业困难职工。",
        "围绕打赢我省精准扶贫攻坚战，省总工会组织各级工会干部深入基层、深入企业，开展“万名工会干部进万企帮万户”活动。\n\n"
        "活动通过建档立卡、精准识别、因户施策等方式，重点帮扶去产能过程中的企业困难职工。干部与企业结对，入户核实家庭收入和"
        "致困原因，经民主评议、单位公示后建档，再逐户制定帮扶计划、登记帮扶措施。宜城市、宜昌市夷陵区首批与化工、建材、"
        "磷矿等去产能企业结对，已建立困难职工家庭档案数百户。",
        date(2026, 3, 10),
    ),
    (
        "全省行业集体协商推动会在宜城召开",
        N,
        "总结推广宜城水晶行业集体协商的经验，部署全省县以下工会集体协商工作。",
        "4月9日，全省行业集体协商推动会在宜城市召开。与会代表观摩了宜城市水晶行业工会与行业企业代表的工资集体协商，"
        "宜城市总工会介绍了水晶行业通过行业协商确定最低工资标准、工资调整幅度和劳动定额的做法。\n\n"
        "会议指出，集体协商是劳动关系协调体系的核心内容，也是工会推动企业稳定持续发展、履行基本职责的有效途径。"
        "要通过开展高质量的集体协商，建立更加和谐稳定的劳动关系，把企业、职工打造成更紧密的利益和命运共同体。",
        date(2026, 4, 9),
    ),
    (
        "“工资集体协商集中要约行动”全面展开",
        N,
        "全省县以下工会集中向企业发出协商要约，企业应在20日内书面回应。",
        "推动会后，全省各县（市、区）工会集中开展“工资集体协商集中要约行动”。各级工会代表职工向企业发出书面协商要约，"
        "企业应在收到要约之日起20日内书面回应；协商双方代表人数对等，每方3至10人。\n\n"
        "协商形成的合同草案提交职工代表大会审议，经全体代表半数以上同意后签订，并在10日内报劳动保障部门审查。",
        date(2026, 4, 13),
    ),
    (
        "全省“十三五”劳动竞赛动员大会召开",
        C,
        "以五大发展理念为指挥棒，围绕重大项目、技能大赛、节能减排、提质增效和非公企业开展劳动竞赛。",
        "4月中旬，全省“十三五”劳动竞赛动员大会召开，部署“践行新理念、建功‘十三五’”劳动竞赛。\n\n"
        "围绕促进中部地区崛起、“一带一路”、长江经济带等重大发展战略，大力开展重大项目建设劳动竞赛；围绕创新驱动，大力开展"
        "职工技能大赛；围绕低碳绿色循环发展，开展“我为节能减排作贡献”劳动竞赛；围绕供给侧结构性改革，开展学习技能、提升质量、"
        "创优服务劳动竞赛；支持武汉东湖高新区争创全国促进区域发展劳动竞赛示范区，大力开展非公企业劳动竞赛。",
        date(2026, 4, 17),
    ),
    (
        "2026年湖北省五一劳动奖章拟表彰对象公示",
        A,
        "经逐级推荐、审核，省总工会审定了2026年湖北省五一劳动奖章拟表彰对象，现予公示，接受社会监督。",
        "经基层推荐、县市审核、市州审核和省总工会审定，2026年湖北省五一劳动奖章拟表彰对象名单已在本网站“公示”栏目公布，"
        "公示期为5个工作日。\n\n"
        "公示期间，任何单位和个人均可通过公示页面如实反映情况，并留下联系方式；受理单位为湖北省总工会劳动和经济工作部，"
        "电话027-87125137。每件反映均有受理编号，可凭编号查询办理结果。",
        "notice",
    ),
    (
        "2025年湖北省五一劳动奖状、奖章和工人先锋号获得者名单公布",
        A,
        "50个单位获湖北省五一劳动奖状，100名职工获湖北省五一劳动奖章，100个集体获湖北省工人先锋号。",
        "经逐级推荐、审核和社会公示，省总工会决定：授予50个单位湖北省五一劳动奖状，授予100名职工湖北省五一劳动奖章，"
        "授予100个集体湖北省工人先锋号称号。获奖单位和个人覆盖全省17个市州，一线职工占奖章获得者的绝大多数。\n\n"
        "完整名单和每位获奖者的事迹可在本网站“获奖名单”栏目按年度、奖项和地区查询。",
        date(2025, 4, 28),
    ),
    (
        "劳模风采｜罗海波：让腊制品切配“快”起来",
        S,
        "2025年湖北省五一劳动奖章获得者罗海波首创腊制品自动化切配工艺，获国家实用新型专利4项。",
        "走进宜城市楚都食品有限公司生产车间，自动化切配线正有节奏地运转。这条线的工艺，出自车间副主任、高级技师罗海波之手。\n\n"
        "“过去切配全靠手工，一个熟练工一天也就切几百斤。”罗海波带着班组反复试验刀具角度和输送速度，首创腊制品自动化切配工艺，"
        "获国家实用新型专利4项，年增效益300余万元。\n\n"
        "公示期间，有群众反映相关成果系班组集体完成。经调阅专利证书和车间记录，成果由罗海波主持完成，反映情况不属实。"
        "罗海波说：“荣誉是班组的，我还要把手艺传给更多年轻人。”",
        date(2025, 5, 6),
    ),
    (
        "劳模风采｜吴桂兰：从进城务工人员到技师",
        S,
        "2025年湖北省五一劳动奖章获得者吴桂兰创办“桂兰技能课堂”，带出技能骨干30余名。",
        "二十年前，吴桂兰从农村来到宜城，在包装车间当了一名普通工人。从学徒到班长，再到技师，她用了十五年。\n\n"
        "2018年起，她利用业余时间创办“桂兰技能课堂”，把包装、封口、质检的操作要领编成口诀，先后带出技能骨干30余名，"
        "其中不少是和她一样进城务工的姐妹。",
        date(2025, 5, 13),
    ),
    (
        "职工创业创新明星报告团走进十堰",
        S,
        "创业创新明星讲述扎根岗位、创新创造的故事，激励更多“草根”创业创新。",
        "在去年评选全省职工创业创新明星的基础上，省总工会组织创业创新明星报告团，进地方、进企业开展巡回报告。\n\n"
        "报告团走进十堰汽车零部件企业，三位明星分别讲述了从一线工人成长为技术带头人、带领班组攻克关键工艺、"
        "返乡创办合作社带动乡亲增收的经历，现场职工三百余人聆听报告。",
        date(2026, 4, 22),
    ),
    (
        "劳模故事｜寻找“最美一线职工”：跑遍县城每条街的快递员",
        S,
        "“最美一线职工”推荐中，宜城市一名快递员获同事和街坊联名推荐，他五年间无一件投诉，雨雪天坚持把包裹送到老人手中。",
        "清晨六点，宜城市城区一家快递网点已经忙碌起来。分拣、扫码、装车，快递员周建军把当天的三百多件包裹按街道排好顺序。\n\n"
        "五年来，他跑遍了城区的每一条街巷，记得哪栋楼的老人行动不便、哪家店铺中午关门。雨雪天，他把包裹装进防水袋，"
        "一件件送上楼。网点负责人说：“五年里他没有一件投诉，街坊们都认他。”\n\n"
        "今年“最美一线职工”推荐开放个人自荐、他人推荐和组织推荐，周建军由同事和街坊联名推荐，目前正在专家评审中。"
        "寻找“最美一线职工”活动面向基层、面向一线，最终将评出10名，授予湖北省五一劳动奖章。",
        date(2026, 4, 18),
    ),
    (
        "工匠风采｜《荆楚工匠》专题片开拍：镜头对准车间里的“绝活”",
        K,
        "省总工会联合省电视台拍摄《荆楚工匠》专题片和教学片，记录首批候选工匠的绝活和带徒传艺的故事。",
        "4月中旬，《荆楚工匠》专题片在襄阳、宜昌、十堰等地的车间同步开拍。摄制组跟随候选工匠走进生产一线，"
        "记录数控加工、焊接、精密装配等岗位上的绝活。\n\n"
        "与专题片同步拍摄的教学片，把工匠们的操作要领拆解成一个个短小的课时，将在本平台“网上课程”栏目上线，"
        "供全省职工随时学习。一位候选工匠说：“手艺不能只留在自己手里，要让更多年轻人学会。”",
        date(2026, 4, 15),
    ),
    (
        "工匠风采｜焊花里的“毫米级”坚守",
        K,
        "从学徒到高级技师，一位焊工用二十年把焊缝误差控制在毫米以内，带出的徒弟已有6人成为技师。",
        "在襄阳一家装备制造企业的焊接车间，焊花四溅。高级技师王卫东戴着面罩，焊枪沿着接缝匀速移动，一道焊缝一次成形。\n\n"
        "二十年来，他总结出“看、听、稳”三字操作法，把大型构件的焊缝误差控制在毫米以内，先后解决了十余项焊接工艺难题。"
        "他带出的徒弟中，已有6人成为技师。今年，他被企业推荐参加首批“荆楚工匠”评选。",
        date(2026, 4, 23),
    ),
    (
        "竞赛动态｜宜城市“我为节能减排作贡献”班组竞赛首轮成绩出炉",
        C,
        "宜城市20余个班组报名参赛，首轮节能指标成绩已由主办单位审核公布，前三名班组吨产品能耗下降超过5%。",
        "宜城市总工会主办的“我为节能减排作贡献”班组竞赛首轮成绩近日出炉。参赛班组按月报送节电、节水和吨产品能耗等指标，"
        "经主办单位审核后计入排名。\n\n"
        "首轮排名前三的班组吨产品能耗下降均超过5%，其中一个化工班组通过改造余热回收装置，月节约蒸汽近百吨。"
        "竞赛将持续到年底，年终按总成绩评出优胜班组。",
        date(2026, 4, 24),
    ),
    (
        "竞赛动态｜全省职工职业技能大赛报名开始",
        C,
        "围绕创新驱动，全省职工职业技能大赛设数控车工、焊工、电工等赛项，各级工会组织职工报名参赛。",
        "围绕创新驱动发展战略，省总工会联合有关部门举办全省职工职业技能大赛，设数控车工、焊工、维修电工、"
        "汽车维修工等赛项。\n\n"
        "各市州、县市区工会组织预赛，选拔优秀选手参加省级决赛。决赛获奖选手按规定申报技术等级，"
        "成绩突出的推荐参评五一劳动奖章。报名通过各级工会在本平台进行。",
        date(2026, 4, 21),
    ),
    (
        "“互联网+”服务职工平台省总本级上线试运行",
        N,
        "普惠服务、帮扶救助、职工维权、工会组建、宣传教育、业务管理六类基础功能上线，逐步形成“全省一张网、五级全覆盖”。",
        "按照6月底前省总本级信息平台基本建成的要求，“互联网+”服务职工平台上线试运行，完善了普惠服务、帮扶救助、职工维权、工会组建、"
        "宣传教育、业务管理六类基础功能。五一劳动奖推荐评选、困难职工建档立卡、基层活动报告已在平台上逐级办理。\n\n"
        "下一步，市州工会将建成覆盖城区的网络体系，年底前全省县以上基本完成，逐步形成“全省一张网、五级全覆盖”的服务职工体系，"
        "实现基础会情全掌握、职工服务全天候、工会组建全覆盖。",
        date(2026, 4, 20),
    ),
    (
        MAY_DAY_TITLE,
        A,
        "省总工会决定授予100名职工2026年湖北省五一劳动奖章，向全省广大职工致以节日的祝贺。",
        "值此“五一”国际劳动节到来之际，省总工会向全省广大职工致以节日的祝贺和亲切的问候！\n\n"
        "经逐级推荐、审核和社会公示，省总工会决定授予100名职工2026年湖北省五一劳动奖章。获奖者中一线职工和农民工占多数，"
        "他们在推动转型发展、创新驱动、绿色发展、农业现代化和精准扶贫等方面作出了突出贡献。\n\n"
        "“五一”当天，省总工会将在各大媒体集中刊（播）发庆祝活动消息和评论员文章，并通过主流媒体的微博、微信、客户端推送。",
        "may_day",
    ),
]


# The moments of the campaign the news tells of (awards.demo's 2026 calendar).
MOMENTS = {
    "intake": (date(2026, 2, 2), 9, 0),  # the provincial lists open for nominations
    "notice": (date(2026, 4, 21), 16, 30),  # the medal list goes on notice the next day
}
MAY_DAY = date(2026, 5, 1)


def publish_time(when, *, now: datetime) -> datetime:
    """When an item goes live: the May Day announcement at 00:00 on 1 May (ahead of the demo's day, so
    scheduled), every other item on its day of the calendar, never later than now (so it is live)."""
    if when == "may_day":
        return _at(MAY_DAY, 0)
    day, hour, minute = MOMENTS.get(when, (when, 9, 0))
    return min(_at(day, hour, minute), now - timedelta(hours=1))


def seed_public_demo(*, stdout=None) -> None:
    now = timezone.now()
    province = get_user_model().objects.filter(username="province").first()
    have = set(News.objects.filter(title__in=[row[0] for row in NEWS]).values_list("title", flat=True))
    added = 0
    for n, (title, category, summary, body, when) in enumerate(NEWS):
        if title in have:
            continue
        publish_at = publish_time(when, now=now)
        cover = upload_store(
            file=demo_images.cover_image(seed=n, caption=str(publish_at.year)),
            kind="image",
            actor=province,
            public=True,
        )
        News.objects.create(
            title=title, category=category, summary=summary, body=body, cover=cover, publish_at=publish_at
        )
        added += 1
    # An item an older demo seeded under another category moves to the category it has now.
    wanted = {row[0]: row[1] for row in NEWS}
    moved = 0
    for title, category in News.objects.filter(title__in=wanted).values_list("title", "category"):
        if category != wanted[title]:
            moved += News.objects.filter(title=title).update(category=wanted[title])
    if added or moved:
        invalidate()
    if stdout is not None:
        scheduled = News.objects.filter(publish_at__gt=now).count()
        stdout.write(f"public: {News.objects.count()} news ({added} added, {scheduled} scheduled)\n")
