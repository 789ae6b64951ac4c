"""Deployment checks (``manage.py check --deploy``): settings and data a production site must not have.

Registered at import of the ``unionportal`` package, so every command sees them.
"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_test_and_demo_modes(app_configs, **kwargs):
    errors = []
    if settings.CAPTCHA_TEST_MODE:
        errors.append(
            checks.Error(
                "CAPTCHA_TEST_MODE is on: the objection captcha accepts the answer PASSED.",
                hint="Unset CAPTCHA_TEST_MODE (it is for trying the form locally).",
                id="unionportal.E001",
            )
        )
    if settings.SITE_DEMO and not settings.DEBUG:
        errors.append(
            checks.Error(
                "SITE_DEMO is on with DEBUG off: every page says the site shows generated demo data.",
                hint="Set SITE_DEMO=false for a production site.",
                id="unionportal.E002",
            )
        )
    if getattr(settings, "DEMO_TODAY", "") and not settings.DEBUG:
        errors.append(
            checks.Error(
                "DEMO_TODAY is set with DEBUG off: the site's clock stands on the demo's day.",
                hint="Unset DEMO_TODAY for a production site.",
                id="unionportal.E004",
            )
        )
    return errors


@checks.register(checks.Tags.security, checks.Tags.database, deploy=True)
def check_demo_passwords(app_configs, databases=None, **kwargs):
    """The demo accounts must not sign in with the published demo password.

    Only the demo accounts' user names are checked: hashing is slow on purpose, so testing every account
    would take seconds per thousand. Like every database check it runs only when asked for a database
    (``check --deploy --database default``).
    """
    if not databases:
        return []
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password
    from django.db import DatabaseError

    from unionportal.orgs import demo_data

    names = [account["username"] for account in demo_data.ACCOUNTS]
    try:
        rows = list(
            get_user_model()
            .objects.filter(username__in=names, is_active=True)
            .values_list("username", "password")
        )
    except DatabaseError:  # not migrated yet: no accounts to worry about
        return []
    verdicts: dict[str, bool] = {}  # the demo accounts share one hash; check each hash once
    for _username, encoded in rows:
        if encoded not in verdicts:
            verdicts[encoded] = check_password(demo_data.PASSWORD, encoded)
    exposed = sorted(username for username, encoded in rows if verdicts[encoded])
    if not exposed:
        return []
    return [
        checks.Error(
            f"Active accounts still sign in with the published demo password: {', '.join(exposed)}.",
            hint="Deactivate them or set new passwords (the demo data belongs on a DEBUG site only).",
            id="unionportal.E003",
        )
    ]
