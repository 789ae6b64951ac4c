from django.conf import settings

from unionportal import clock
from unionportal.i18n import in_language


def site(request):
    return {
        "SITE_OPERATOR": in_language(settings.SITE_OPERATOR, settings.SITE_OPERATOR_EN),
        "SITE_ICP_NUMBER": settings.SITE_ICP_NUMBER,
        "SITE_PSB_NUMBER": settings.SITE_PSB_NUMBER,
        "SITE_CONTACT_PHONE": settings.SITE_CONTACT_PHONE,
        "SITE_DEMO": settings.SITE_DEMO,
        "DEMO_DAY": clock.demo_day(),
    }
