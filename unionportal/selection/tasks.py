from celery import shared_task

from . import services


@shared_task(name="selection.tell_objector", acks_late=True)
def tell_objector(*, objection_id: int) -> bool:
    return services.objection_tell(objection_id=objection_id)
