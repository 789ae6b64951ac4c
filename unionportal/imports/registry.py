"""The importable and exportable resources, registered by each app under a key.

    # in the app's AppConfig.ready()
    from unionportal.imports.registry import register_importer, register_resource
    register_resource("awards.nomination", NominationResource, _("提名"))        # one table: import and export
    register_importer("assistance.household_members", HouseholdImporter, _("…"))  # several sheets: import only

The key appears in URLs (/imports/<key>/) and in ImportJob.resource_key.
"""

from dataclasses import dataclass

_resources: dict[str, "Registered"] = {}


@dataclass(frozen=True)
class Registered:
    key: str
    importer_class: type | None  # an importers.Importer; None: export only
    resource_class: type | None  # a resources.ScopedResource (exports); None: a multi-sheet import
    label: str

    def importer(self, user):
        return self.importer_class(user=user, label=str(self.label))

    def resource(self, user, **kwargs):
        return self.resource_class(user=user, **kwargs)

    def can_import(self, user) -> bool:
        return self.importer_class is not None and self.importer_class.can_import(user)

    def can_export(self, user) -> bool:
        return self.resource_class is not None and self.resource_class.can_export(user)


def register_resource(key: str, resource_class: type, label) -> None:
    """A table imported and exported through ``resource_class`` (a ScopedResource)."""
    from .importers import TableImporter
    from .resources import ScopedResource

    if not issubclass(resource_class, ScopedResource):
        raise TypeError(f"{resource_class!r} must subclass unionportal.imports.resources.ScopedResource")
    _resources[key] = Registered(
        key=key,
        importer_class=TableImporter.for_resource(resource_class),
        resource_class=resource_class,
        label=label,
    )


def register_importer(key: str, importer_class: type, label) -> None:
    """An import of several sheets through ``importer_class`` (an importers.Importer)."""
    from .importers import Importer

    if not issubclass(importer_class, Importer):
        raise TypeError(f"{importer_class!r} must subclass unionportal.imports.importers.Importer")
    _resources[key] = Registered(key=key, importer_class=importer_class, resource_class=None, label=label)


def unregister_resource(key: str) -> None:
    _resources.pop(key, None)


def get_registered(key: str) -> Registered:
    """Raises KeyError for an unknown key (views answer 404)."""
    return _resources[key]


def registered() -> list[Registered]:
    return list(_resources.values())
