"""django-rules autodiscovers this module: importing the permission matrix registers every rule
(``<kind>.<action>`` for pages and templates, ``<app>.<verb>_<model>`` for the admin)."""

from unionportal import permissions  # noqa: F401
