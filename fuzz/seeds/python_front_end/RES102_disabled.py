"""Timeouts switched off on purpose (or by accident) in a media service."""

import socket

import aiohttp
import boto3
import httpx
import requests
from botocore.config import Config
from django.core.cache import cache

NO_TIMEOUT = None
STREAM_TIMEOUT = httpx.Timeout(None)


def download(url: str) -> bytes:
    return requests.get(url, timeout=None).content  # expect: RES102


def download_both_parts_off(url: str) -> bytes:
    return requests.get(url, timeout=(None, None)).content  # expect: RES102


def download_via_constant(url: str) -> bytes:
    return requests.get(url, timeout=NO_TIMEOUT).content  # expect: RES102


def download_bounded(url: str) -> bytes:
    return requests.get(url, timeout=30).content  # ok: RES102


def session_download(url: str) -> bytes:
    with requests.Session() as s:
        return s.get(url, stream=True, timeout=None).content  # expect: RES102


def httpx_stream(url: str) -> bytes:
    return httpx.get(url, timeout=None).content  # expect: RES102


def httpx_client() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(None))  # expect: RES102


def httpx_client_via_constant() -> httpx.Client:
    return httpx.Client(timeout=STREAM_TIMEOUT)  # expect: RES102


def httpx_client_bounded() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0))  # ok: RES102


def httpx_client_unbounded_pool_wait() -> httpx.Client:
    # Only waiting for a pooled connection is unbounded: every network step still has 10 s.
    return httpx.Client(timeout=httpx.Timeout(10.0, pool=None))  # ok: RES102


async def aiohttp_download(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url, timeout=None) as resp:  # expect: RES102
        return await resp.read()


async def aiohttp_download_bounded(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=60)) as resp:  # ok: RES102
        return await resp.read()


def aiohttp_session_without_limits() -> aiohttp.ClientSession:
    # Every part of `ClientTimeout` defaults to None: nothing is bounded.
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None))  # expect: RES102


def aiohttp_session_empty_timeout() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout())  # expect: RES102


def listener() -> socket.socket:
    sock = socket.socket()
    sock.settimeout(None)  # expect: RES102
    return sock


def listener_bounded() -> socket.socket:
    sock = socket.socket()
    sock.settimeout(15)  # ok: RES102
    return sock


def process_wide() -> None:
    socket.setdefaulttimeout(None)  # expect: RES102


def process_wide_bounded() -> None:
    socket.setdefaulttimeout(20)  # ok: RES102


def s3_client():
    return boto3.client("s3", config=Config(connect_timeout=None))  # expect: RES102


def s3_client_read_off():
    return boto3.client("s3", config=Config(read_timeout=None, retries={"max_attempts": 3}))  # expect: RES102


def s3_client_defaults():
    # botocore's defaults are 60 s each.
    return boto3.client("s3", config=Config(region_name="eu-west-1"))  # ok: RES102


def s3_client_bounded():
    session = boto3.Session()
    return session.client("s3", config=Config(connect_timeout=5, read_timeout=30))  # ok: RES102


def cache_forever(key: str, value: bytes) -> None:
    # A cache entry that never expires: not a network timeout.
    cache.set(key, value, timeout=None)  # ok: RES102


def lock_forever(redis_client, name: str):
    return redis_client.lock(name, timeout=None)  # ok: RES102


async def tornado_default(url: str) -> bytes:
    from tornado.httpclient import AsyncHTTPClient

    # In tornado, `None` means "use the client default" (20 s), not "no timeout".
    resp = await AsyncHTTPClient().fetch(url, request_timeout=None)  # ok: RES102
    return resp.body
