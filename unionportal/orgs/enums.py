from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("市州")
    COUNTY = 3, _("县市区")
    TOWNSHIP = 4, _("乡镇街道")
    GRASSROOTS = 5, _("基层工会")


class OrgKind(models.TextChoices):
    REGIONAL = "regional", _("地方工会")
    INDUSTRY = "industry", _("行业工会")
    FEDERATION = "federation", _("乡镇（街道）工会联合会")
    PARK = "park", _("园区工会")
    ENTERPRISE = "enterprise", _("企业工会")
    INSTITUTION = "institution", _("机关事业单位工会")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    STAFF = "staff", _("工会工作人员")
    ORG_ADMIN = "org_admin", _("组织管理员")
    SUBMITTER = "submitter", _("填报人")
    EXPERT = "expert", _("评审专家")
    CADRE = "cadre", _("工会干部")
    WORKER = "worker", _("职工")


# Roles that act on the whole subtree of their organisation; the others see their own organisation.
SUBTREE_ROLES = frozenset({Role.STAFF, Role.ORG_ADMIN})


class Ownership(models.TextChoices):
    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("民营")
    JOINT_STOCK = "joint_stock", _("股份制")
    FOREIGN = "foreign", _("外商投资")
    HMT = "hmt", _("港澳台投资")
    OTHER = "other", _("其他")


class Industry(models.TextChoices):
    # Sections of the national industry classification (GB/T 4754).
    AGRICULTURE = "A", _("农、林、牧、渔业")
    MINING = "B", _("采矿业")
    MANUFACTURING = "C", _("制造业")
    UTILITIES = "D", _("电力、热力、燃气及水生产和供应业")
    CONSTRUCTION = "E", _("建筑业")
    TRADE = "F", _("批发和零售业")
    TRANSPORT = "G", _("交通运输、仓储和邮政业")
    HOSPITALITY = "H", _("住宿和餐饮业")
    IT = "I", _("信息传输、软件和信息技术服务业")
    FINANCE = "J", _("金融业")
    REAL_ESTATE = "K", _("房地产业")
    BUSINESS = "L", _("租赁和商务服务业")
    RESEARCH = "M", _("科学研究和技术服务业")
    ENVIRONMENT = "N", _("水利、环境和公共设施管理业")
    RESIDENT = "O", _("居民服务、修理和其他服务业")
    EDUCATION = "P", _("教育")
    HEALTH = "Q", _("卫生和社会工作")
    CULTURE = "R", _("文化、体育和娱乐业")
    PUBLIC = "S", _("公共管理、社会保障和社会组织")


# --- the member registry, sign-up and joining (网上入会) ----------------------------------------------------


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class MemberStatus(models.TextChoices):
    MEMBER = "member", _("会员")
    TRANSFERRED_OUT = "transferred_out", _("已转出")
    LEFT = "left", _("已退会")


class Occupation(models.TextChoices):
    """New forms of employment (新就业形态) a worker without an employer names."""

    COURIER = "courier", _("快递员")
    RIDE_HAILING = "ride_hailing", _("网约车司机")
    FOOD_DELIVERY = "food_delivery", _("外卖骑手")
    TRUCK_DRIVER = "truck_driver", _("货车司机")
    DOMESTIC = "domestic", _("家政服务员")
    OTHER = "other", _("其他灵活就业")


class JoinState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已同意入会")
    REFUSED = "refused", _("未同意")
    WITHDRAWN = "withdrawn", _("已撤回")


class JoinRoute(models.TextChoices):
    EMPLOYER = "employer", _("本单位工会")
    TOWNSHIP = "township", _("乡镇（街道）工会")
    INDUSTRY = "industry", _("新就业形态行业工会")
