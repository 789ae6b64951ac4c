from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from unionportal.campaigns.models import Campaign

from .cache import invalidate
from .models import Cartoon, Course, Lesson, News, PublicEntry


@receiver([post_save, post_delete], sender=PublicEntry)
@receiver([post_save, post_delete], sender=Campaign)
@receiver([post_save, post_delete], sender=News)
@receiver([post_save, post_delete], sender=Cartoon)
@receiver([post_save, post_delete], sender=Course)
@receiver([post_save, post_delete], sender=Lesson)
def public_content_changed(**kwargs):
    invalidate()
