"""An in-house client declared in the config beside this file: `acme.http.fetch(url, deadline=..)`."""

from acme import http
from acme.http import fetch


def profile(user_id: str) -> dict:
    return http.fetch(f"https://profiles.internal/{user_id}")  # expect: RES101


def profile_bounded(user_id: str) -> dict:
    return fetch(f"https://profiles.internal/{user_id}", deadline=2.0)  # ok: RES101


def profile_unbounded(user_id: str) -> dict:
    return fetch(f"https://profiles.internal/{user_id}", deadline=None)  # expect: RES102
