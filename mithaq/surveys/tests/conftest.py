import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The posts' rate limit lives in the cache; every test starts with a clean count.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(client):
    # The pages are read in English here (Arabic is the default); test_screens looks at both.
    client.cookies["django_language"] = "en"
