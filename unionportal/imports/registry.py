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
