"""Timeouts written in the wrong unit, in a checkout service."""

import subprocess

import httpx
import pymongo
import redis
import requests
from pymongo import MongoClient

PAYMENT_TIMEOUT_MS = 5000


def authorize(url: str, payload: dict) -> dict:
    return requests.post(url, json=payload, timeout=5000).json()  # expect: RES105


def authorize_constant(url: str, payload: dict) -> dict:
    # The constant's name says milliseconds; requests takes seconds.
    return requests.post(url, json=payload, timeout=PAYMENT_TIMEOUT_MS).json()  # expect: RES105


def authorize_tuple(url: str, payload: dict) -> dict:
    return requests.post(url, json=payload, timeout=(3000, 10000)).json()  # expect: RES105


def authorize_bounded(url: str, payload: dict) -> dict:
    return requests.post(url, json=payload, timeout=30).json()  # ok: RES105


def authorize_long_read(url: str, payload: dict) -> dict:
    # The 5 s connect part shows seconds were meant: too long (RES103), not the wrong unit.
    return requests.post(url, json=payload, timeout=(5, 1800)).json()  # ok: RES105  # expect: RES103


def report(url: str) -> bytes:
    return requests.get(url, timeout=1800).content  # expect: RES105


def fraud_score(url: str) -> dict:
    return httpx.post(url, timeout=2500).json()  # expect: RES105


def fraud_score_object(url: str) -> dict:
    return httpx.post(url, timeout=httpx.Timeout(10_000)).json()  # expect: RES105


def fraud_score_bounded(url: str) -> dict:
    return httpx.post(url, timeout=httpx.Timeout(2.5, connect=1.0)).json()  # ok: RES105


def carts() -> redis.Redis:
    return redis.Redis(host="cache.internal", socket_timeout=5000)  # expect: RES105


def carts_connect(host: str) -> redis.Redis:
    return redis.Redis(host=host, socket_timeout=0.5, socket_connect_timeout=0.25)  # ok: RES105


def receipts_pdf(path: str) -> None:
    subprocess.run(["wkhtmltopdf", path, path + ".pdf"], check=True, timeout=30000)  # expect: RES105


def receipts_pdf_bounded(path: str) -> None:
    subprocess.run(["wkhtmltopdf", path, path + ".pdf"], check=True, timeout=30)  # ok: RES105


def orders() -> MongoClient:
    # pymongo takes milliseconds: 5 ms was meant as 5 s.
    return MongoClient("mongodb://mongo.internal", socketTimeoutMS=5)  # expect: RES105


def orders_timeout_ms() -> MongoClient:
    return pymongo.MongoClient("mongodb://mongo.internal", timeoutMS=10)  # expect: RES105


def orders_bounded() -> MongoClient:
    return MongoClient("mongodb://mongo.internal", socketTimeoutMS=5000)  # ok: RES105


def orders_bounded_timeout_ms() -> MongoClient:
    return pymongo.MongoClient("mongodb://mongo.internal", timeoutMS=30_000)  # ok: RES105


def fast_probe(url: str) -> int:
    # Half a second is a plausible probe timeout.
    return requests.head(url, timeout=0.5).status_code  # ok: RES105


def batch_export(url: str) -> bytes:
    return requests.get(url, timeout=999).content  # ok: RES105  # expect: RES103


def legacy_subprocess(cmd: list) -> int:
    return subprocess.call(cmd, timeout=120)  # ok: RES105


def cache_ttl(cache, key: str, value) -> None:
    # A cache timeout in seconds of lifetime, not a network call.
    cache.set(key, value, timeout=86400)  # ok: RES105


def nightly_settlement(url: str) -> dict:
    # Hours written out in seconds: too long (RES103), but clearly not milliseconds.
    return requests.post(url, timeout=60 * 60 * 24).json()  # ok: RES105  # expect: RES103


def settlement_ms(url: str) -> dict:
    # Five minutes, written in milliseconds.
    return requests.post(url, timeout=5 * 60 * 1000).json()  # expect: RES105
