import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every upload test stores into its own empty MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _default_language():
    """Start each test in the default language: a request under /en/ leaves English active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
