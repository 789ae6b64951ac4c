"""The importable resources: each app registers its ScopedResource subclasses under a key.

    # in the app's AppConfig.ready()
    from unionportal.imports.registry import register_resource
    register_resource("awards.nomination", NominationResource, _("提名"))

The key appears in URLs (/imports/<key>/) and in ImportJob.resource_key.
"""

from dataclasses import dataclass

_resources: dict[str, "Registered"] = {}


@dataclass(frozen=True)
class Registered:
    key: str
    resource_class: type
    label: str

    def resource(self, user, **kwargs):
        return self.resource_class(user=user, **kwargs)


def register_resource(key: str, resource_class: type, label) -> None:
    from .resources import ScopedResource

    if not issubclass(resource_class, ScopedResource):
        raise TypeError(f"{resource_class!r} must subclass unionportal.imports.resources.ScopedResource")
    _resources[key] = Registered(key=key, resource_class=resource_class, label=label)


def unregister_resource(key: str) -> None:
    _resources.pop(key, None)


def get_registered(key: str) -> Registered:
    """Raises KeyError for an unknown key (views answer 404)."""
    return _resources[key]


def registered() -> list[Registered]:
    return list(_resources.values())


# Resources whose jobs run on a task of their own (a domain app's dedicated import) instead of
# ``imports.run``; the sweep and confirmation use it, and the job lists link to that app's page.
_job_handlers: dict[str, tuple[str, str]] = {}
DEFAULT_TASK = "unionportal.imports.tasks.run"


def register_job_handler(key: str, *, task: str, url_name: str) -> None:
    """Jobs of resource ``key`` run on the Celery task at dotted path ``task`` (keyword-only ``job_id``)
    and are shown at the URL ``url_name`` (one argument: the job id)."""
    _job_handlers[key] = (task, url_name)


def job_task(key: str):
    """The Celery task that runs jobs of resource ``key``."""
    from django.utils.module_loading import import_string

    return import_string(_job_handlers.get(key, (DEFAULT_TASK, ""))[0])


def job_url_name(key: str) -> str:
    return _job_handlers.get(key, ("", "imports:job"))[1]
