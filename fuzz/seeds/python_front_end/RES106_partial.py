"""Timeouts that bound only part of a request, in a shipping service (no versions pinned)."""

import aiohttp
import httpx
import redis
import requests
from aiohttp import ClientTimeout
from tornado.httpclient import AsyncHTTPClient


def track(url: str) -> dict:
    # The read part is None: a peer that stops sending holds the call forever.
    return requests.get(url, timeout=(5, None)).json()  # expect: RES106


def track_session(url: str) -> dict:
    with requests.Session() as s:
        return s.get(url, timeout=(3.05, None)).json()  # expect: RES106


def track_bounded(url: str) -> dict:
    return requests.get(url, timeout=(3.05, 27)).json()  # ok: RES106


def track_connect_unset(url: str) -> dict:
    # Reads are bounded; a connect that is never answered gives up on its own.
    return requests.get(url, timeout=(None, 27)).json()  # ok: RES106


def carrier_session() -> aiohttp.ClientSession:
    # A ClientTimeout without `total` drops aiohttp's 300 s default total.
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(connect=5))  # expect: RES106


def carrier_session_sock_connect() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=ClientTimeout(sock_connect=5))  # expect: RES106


def carrier_session_both_connects() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=ClientTimeout(connect=10, sock_connect=5))  # expect: RES106


def carrier_session_total() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=ClientTimeout(total=30))  # ok: RES106


def carrier_session_total_and_connect() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=ClientTimeout(total=30, connect=5))  # ok: RES106


def carrier_stream() -> aiohttp.ClientSession:
    # Streaming: no total, but every read must arrive within 30 s.
    return aiohttp.ClientSession(timeout=ClientTimeout(total=None, sock_read=30))  # ok: RES106


async def label(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url, timeout=aiohttp.ClientTimeout(connect=3)) as resp:  # expect: RES106
        return await resp.read()


async def label_bounded(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=15)) as resp:  # ok: RES106
        return await resp.read()


def quotes() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(10, connect=5))  # ok: RES106


def quotes_read_off() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(10, read=None))  # expect: RES106


def rates() -> redis.Redis:
    # Only connecting is bounded; commands wait forever (redis-py < 8.1 assumed).
    return redis.Redis(host="cache.internal", socket_connect_timeout=2)  # expect: RES106


def rates_from_url(url: str) -> redis.Redis:
    return redis.from_url(url, socket_connect_timeout=2)  # expect: RES106


def rates_bounded() -> redis.Redis:
    return redis.Redis(host="cache.internal", socket_connect_timeout=2, socket_timeout=5)  # ok: RES106


def rates_pool() -> redis.ConnectionPool:
    return redis.ConnectionPool(host="cache.internal", socket_connect_timeout=1)  # expect: RES106


async def tornado_connect_only(url: str) -> bytes:
    # Tornado's 20 s request_timeout still bounds the whole request.
    resp = await AsyncHTTPClient().fetch(url, connect_timeout=3)  # ok: RES106
    return resp.body


def carrier_session_default() -> aiohttp.ClientSession:
    # Left on the 300 s default: too long (RES103), but not partial.
    return aiohttp.ClientSession()  # ok: RES106  # expect: RES103


def s3_reads_only(boto3, Config):
    return boto3.client("s3", config=Config(connect_timeout=5))  # ok: RES106


PARTIAL_TIMEOUT = (2, None)


def track_constant(url: str) -> dict:
    return requests.get(url, timeout=PARTIAL_TIMEOUT).json()  # expect: RES106


def quotes_connect_only() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(None, connect=5))  # expect: RES106
