from .models import Campaign


def current_campaign() -> Campaign | None:
    return Campaign.objects.filter(is_current=True).first()
