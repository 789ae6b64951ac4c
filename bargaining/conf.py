"""The statutory figures and the drive's criteria: settings.BARGAINING, read here and nowhere else."""

from django.conf import settings

DEFAULTS = {
    "REPLY_DAYS": 20,
    "REMIND_DAYS_BEFORE": 5,
    "FILING_DAYS": 10,
    "REVIEW_DAYS": 15,
    "NEGOTIATORS_MIN": 3,
    "NEGOTIATORS_MAX": 10,
    "TERM_MAX_YEARS": 3,
    "RENEWAL_MONTHS": 3,
    "FLAT_WAGE_YEARS": 2,
    "NEAR_MINIMUM_SHARE": 30,
}


def figure(name: str) -> int:
    """One figure (read at call time, so tests may override the settings); an unknown name is a KeyError."""
    return {**DEFAULTS, **getattr(settings, "BARGAINING", {})}[name]
