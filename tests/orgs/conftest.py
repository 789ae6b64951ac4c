import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around the whole module, rolled back at its end.

    Module-scoped fixtures build their shared rows inside ``with module_db.unblock():``; each test still
    runs in its own savepoint (``django_db``), so what a test writes is undone before the next one.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    yield django_db_blocker
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _default_language():
    """Start and end each test in the default language.

    The test client leaves the last request's language active in the thread, so after a request under
    /en/ a bare ``reverse()`` would build /en/ URLs for the next test.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
