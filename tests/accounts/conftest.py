import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese_by_default():
    # A request to an /en/ page leaves English active in the thread; unit tests here expect the
    # default language, and nothing set here may leak into the next test on this worker.
    with translation.override("zh-hans"):
        yield
