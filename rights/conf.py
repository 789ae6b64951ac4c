"""The deadlines and thresholds of rights protection: settings.RIGHTS, read here and nowhere else."""

from django.conf import settings

DEFAULTS = {
    "ACCEPT_WORKING_DAYS": 3,  # a request is accepted (受理) within 3 working days of filing
    "CONCLUDE_DAYS": 30,  # and concluded (办结) within 30 days of filing
    "FLAG_REQUESTS": 3,  # N requests against one enterprise ...
    "FLAG_WINDOW_DAYS": 30,  # ... within M days flag it for the assistance and bargaining staff
    "TIP_RATE": "5/h",  # anonymous tips from one address (django-ratelimit's form)
    "TRACK_RATE": "30/h",  # tracking-code lookups from one address
}


def figure(name: str):
    """One figure (read at call time, so tests may override the settings); an unknown name is a KeyError."""
    return {**DEFAULTS, **getattr(settings, "RIGHTS", {})}[name]
