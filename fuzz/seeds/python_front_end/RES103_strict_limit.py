"""A latency-sensitive API whose config allows at most 60 s."""

import httpx
import requests


def quote(url: str) -> dict:
    return requests.get(url, timeout=90).json()  # expect: RES103


def quote_within_limit(url: str) -> dict:
    return requests.get(url, timeout=60).json()  # ok: RES103


def quote_httpx(url: str) -> dict:
    return httpx.get(url, timeout=120).json()  # expect: RES103


def quote_httpx_default(url: str) -> dict:
    # httpx's own 5 s default is well inside the limit.
    return httpx.get(url).json()  # ok: RES103
