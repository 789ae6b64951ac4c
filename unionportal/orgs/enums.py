from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City / prefecture")
    COUNTY = 3, _("County / district")
    TOWNSHIP = 4, _("Township / street / park")
    GRASSROOTS = 5, _("Grassroots union")


class OrgKind(models.TextChoices):
    REGIONAL = "regional", _("Regional union")
    INDUSTRY = "industry", _("Industry union")
    FEDERATION = "federation", _("Township / street federation")
    PARK = "park", _("Park union")
    ENTERPRISE = "enterprise", _("Enterprise union")
    INSTITUTION = "institution", _("Public institution union")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    STAFF = "staff", _("Union staff")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SUBMITTER = "submitter", _("Submitter")
    EXPERT = "expert", _("Expert")
    CADRE = "cadre", _("Union cadre")
    WORKER = "worker", _("Worker")


# Roles that act on the whole subtree of their organisation; the others see their own organisation.
SUBTREE_ROLES = frozenset({Role.STAFF, Role.ORG_ADMIN})


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    JOINT_STOCK = "joint_stock", _("Joint-stock")
    FOREIGN = "foreign", _("Foreign-invested")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan invested")
    OTHER = "other", _("Other")


class Industry(models.TextChoices):
    # Sections of the national industry classification (GB/T 4754).
    AGRICULTURE = "A", _("Agriculture, forestry, animal husbandry and fishery")
    MINING = "B", _("Mining")
    MANUFACTURING = "C", _("Manufacturing")
    UTILITIES = "D", _("Electricity, heat, gas and water")
    CONSTRUCTION = "E", _("Construction")
    TRADE = "F", _("Wholesale and retail trade")
    TRANSPORT = "G", _("Transport, storage and post")
    HOSPITALITY = "H", _("Accommodation and catering")
    IT = "I", _("Information technology services")
    FINANCE = "J", _("Finance")
    REAL_ESTATE = "K", _("Real estate")
    BUSINESS = "L", _("Leasing and business services")
    RESEARCH = "M", _("Scientific research and technical services")
    ENVIRONMENT = "N", _("Water, environment and public facilities")
    RESIDENT = "O", _("Resident and repair services")
    EDUCATION = "P", _("Education")
    HEALTH = "Q", _("Health and social work")
    CULTURE = "R", _("Culture, sports and entertainment")
    PUBLIC = "S", _("Public administration and social organisations")
