"""Names that look like requests but are not the library."""

import requests

requests_count = {"get": 0}
my_requests = []


def get(url):
    """A local helper that happens to be called `get`."""
    return {"url": url}


class Registry:
    def get(self, key):
        return key


def lookups(registry: Registry, cache: dict) -> None:
    get("https://example.com")  # ok: RES101
    registry.get("https://example.com")  # ok: RES101
    cache.get("https://example.com")  # ok: RES101
    requests_count.get("get")  # ok: RES101
    my_requests.append("https://example.com")  # ok: RES101


def shadowed(requests) -> None:
    # A parameter named `requests` is not the module.
    requests.get("https://example.com")  # ok: RES101


def real_one() -> None:
    requests.head("https://example.com")  # expect: RES101
