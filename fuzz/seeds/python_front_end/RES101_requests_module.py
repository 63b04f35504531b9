"""Module-level requests calls in a small billing client."""

import logging

import requests
import requests as rq
import requests.api
from requests import get as fetch
from requests import post

log = logging.getLogger(__name__)

BILLING_URL = "https://billing.internal/api"
DEFAULT_TIMEOUT = 10
TIMEOUT_KWARGS = {"timeout": 5}
EMPTY_KWARGS = {}


def charge(customer_id: str, cents: int) -> dict:
    resp = requests.post(f"{BILLING_URL}/charges", json={"customer": customer_id, "cents": cents})  # expect: RES101
    resp.raise_for_status()
    return resp.json()


def refund(charge_id: str) -> None:
    requests.post(f"{BILLING_URL}/refunds/{charge_id}", timeout=DEFAULT_TIMEOUT)  # ok: RES101


def invoice(invoice_id: str) -> dict:
    # The callee's line is where the finding goes, even when the arguments spread out.
    return requests.get(  # expect: RES101
        f"{BILLING_URL}/invoices/{invoice_id}",
        headers={"Accept": "application/json"},
    ).json()


def aliased(path: str) -> bytes:
    return rq.get(f"{BILLING_URL}/{path}").content  # expect: RES101


def aliased_with_timeout(path: str) -> bytes:
    return rq.get(f"{BILLING_URL}/{path}", timeout=(3.05, 27)).content  # ok: RES101


def imported_under_another_name(path: str) -> bytes:
    return fetch(f"{BILLING_URL}/{path}").content  # expect: RES101


def imported_name(path: str) -> None:
    post(f"{BILLING_URL}/{path}", data=b"")  # expect: RES101


def fully_qualified(path: str) -> int:
    return requests.api.get(f"{BILLING_URL}/{path}").status_code  # expect: RES101


def generic_request(method: str, path: str) -> int:
    return requests.request(method, f"{BILLING_URL}/{path}").status_code  # expect: RES101


def generic_request_with_timeout(method: str, path: str) -> int:
    return requests.request(method, f"{BILLING_URL}/{path}", timeout=15).status_code  # ok: RES101


def forwarded(path: str, **kwargs) -> int:
    # The caller may pass `timeout=` through **kwargs.
    return requests.get(f"{BILLING_URL}/{path}", **kwargs).status_code  # ok: RES101


def forwarded_module_dict(path: str) -> int:
    # A module-level dict literal is read: it carries the timeout.
    return requests.get(f"{BILLING_URL}/{path}", **TIMEOUT_KWARGS).status_code  # ok: RES101


def forwarded_empty_dict(path: str) -> int:
    return requests.get(f"{BILLING_URL}/{path}", **EMPTY_KWARGS).status_code  # expect: RES101


def timeout_from_config(path: str, settings) -> int:
    return requests.get(f"{BILLING_URL}/{path}", timeout=settings.HTTP_TIMEOUT).status_code  # ok: RES101
