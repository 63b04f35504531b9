"""Twisted, tornado, httpx and gRPC clients of a pricing service."""

import grpc
import httpx
import treq
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from twisted.internet import reactor
from twisted.web.client import Agent, BrowserLikePolicyForHTTPS

import pricing_pb2
from pricing.v1 import pricing_pb2_grpc
from pricing.v1.catalog_pb2_grpc import CatalogStub

PRICES = "https://prices.internal"


def twisted_fetch(sku: str):
    return treq.get(f"{PRICES}/{sku}")  # expect: RES101


def twisted_fetch_bounded(sku: str):
    return treq.get(f"{PRICES}/{sku}", timeout=10)  # ok: RES101


def twisted_agent():
    return Agent(reactor)  # expect: RES101


def twisted_agent_with_policy():
    # The second positional is the TLS policy; the timeout is the third.
    return Agent(reactor, BrowserLikePolicyForHTTPS())  # expect: RES101


def twisted_agent_bounded():
    return Agent(reactor, connectTimeout=5)  # ok: RES101


async def tornado_fetch(sku: str) -> bytes:
    # Tornado bounds requests at 20 s by default.
    client = AsyncHTTPClient()
    resp = await client.fetch(f"{PRICES}/{sku}")  # ok: RES101
    req = HTTPRequest(f"{PRICES}/{sku}", method="GET")  # ok: RES101
    await client.fetch(req)  # ok: RES101
    return resp.body


def httpx_fetch(sku: str) -> dict:
    # httpx bounds every request at 5 s unless told otherwise.
    return httpx.get(f"{PRICES}/{sku}").json()  # ok: RES101


async def httpx_client(sku: str) -> dict:
    async with httpx.AsyncClient(base_url=PRICES) as client:  # ok: RES101
        return (await client.get(f"/{sku}")).json()  # ok: RES101


def price(channel: grpc.Channel, sku: str):
    stub = pricing_pb2_grpc.PricingStub(channel)
    return stub.GetPrice(pricing_pb2.PriceRequest(sku=sku))  # expect: RES101


def price_bounded(channel: grpc.Channel, sku: str):
    stub = pricing_pb2_grpc.PricingStub(channel)
    return stub.GetPrice(pricing_pb2.PriceRequest(sku=sku), timeout=5)  # ok: RES101


def price_bounded_positional(channel: grpc.Channel, sku: str):
    stub = pricing_pb2_grpc.PricingStub(channel)
    return stub.GetPrice(pricing_pb2.PriceRequest(sku=sku), 5)  # ok: RES101


class CatalogClient:
    def __init__(self, target: str) -> None:
        self.channel = grpc.insecure_channel(target)
        self.stub = CatalogStub(self.channel)

    def describe(self, sku: str):
        return self.stub.Describe(pricing_pb2.PriceRequest(sku=sku))  # expect: RES101

    def describe_with_metadata(self, sku: str, metadata):
        return self.stub.Describe(pricing_pb2.PriceRequest(sku=sku), metadata=metadata, timeout=2.5)  # ok: RES101
