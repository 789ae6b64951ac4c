from celery import shared_task

from . import services


@shared_task(
    name="notifications.deliver",
    autoretry_for=(services.DeliveryError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=services.MAX_ATTEMPTS,
    acks_late=True,
)
def deliver(*, notification_id: int) -> bool:
    return services.deliver(notification_id=notification_id)
