"""Calls bounded by a deadline around them rather than by a timeout argument."""

import asyncio

import aiohttp
import async_timeout
import redis.asyncio as aioredis
import requests

import ledger_pb2
import ledger_pb2_grpc


class LedgerGateway:
    def __init__(self, channel) -> None:
        self.stub = ledger_pb2_grpc.LedgerStub(channel)

    async def balance(self, account: str):
        return await asyncio.wait_for(self.stub.Balance(ledger_pb2.Account(id=account)), 5)  # ok: RES101

    async def history(self, account: str):
        async with asyncio.timeout(10):
            return await self.stub.History(ledger_pb2.Account(id=account))  # ok: RES101

    async def history_without_deadline(self, account: str):
        # `timeout(None)` sets no deadline at all.
        async with asyncio.timeout(None):
            return await self.stub.History(ledger_pb2.Account(id=account))  # expect: RES101

    async def audit(self, account: str):
        return await asyncio.wait_for(self.stub.Audit(ledger_pb2.Account(id=account)), timeout=None)  # expect: RES101

    async def _close_books(self, day: str):
        # Only ever awaited under `wait_for` below.
        return await self.stub.CloseBooks(ledger_pb2.Day(day=day))  # ok: RES101

    async def close_books(self, day: str):
        return await asyncio.wait_for(self._close_books(day), timeout=60)

    async def _reopen(self, day: str):
        # Called under a deadline once, and once without.
        return await self.stub.Reopen(ledger_pb2.Day(day=day))  # expect: RES101

    async def reopen(self, day: str):
        await asyncio.wait_for(self._reopen(day), 30)
        await self._reopen(day)

    async def legacy_lookup(self, url: str):
        # A blocking call cannot be interrupted by an asyncio deadline: the loop itself is stuck.
        async with asyncio.timeout(5):
            return requests.get(url)  # expect: RES101

    async def legacy_lookup_in_thread(self, url: str):
        # The caller is freed after 5 s, the worker thread stays stuck forever.
        return await asyncio.wait_for(asyncio.to_thread(lambda: requests.get(url)), 5)  # expect: RES101


async def fetch_quote(session: aiohttp.ClientSession, symbol: str) -> dict:
    async with async_timeout.timeout(3):
        async with session.get(f"https://quotes.internal/{symbol}") as resp:  # ok: RES101
            return await resp.json()


async def cache_client() -> aioredis.Redis:
    # The constructor does no I/O: a deadline around it bounds none of the later commands.
    async with asyncio.timeout(2):
        return aioredis.Redis(host="cache.internal")  # expect: RES101


async def ping_all(stub) -> None:
    ledger = ledger_pb2_grpc.LedgerStub(stub)
    await asyncio.wait_for(asyncio.gather(ledger.Ping(ledger_pb2.Empty()), ledger.Ping(ledger_pb2.Empty())), 2)  # ok: RES101
