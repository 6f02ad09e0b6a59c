"""Which address a request comes from: the peer's, unless the peer is a configured proxy.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from the proxies named in
``CUPULA_TRUSTED_PROXIES`` (or ``cupula serve --trusted-proxy``): addresses or networks,
comma-separated. Anyone else, loopback included, could write any address there and so
escape the login throttle. Uvicorn's own middleware does the reading (the client is the
last address in the header that is not a trusted proxy); ``cupula serve`` turns off
uvicorn's server-wide default, which trusts 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cupula.errors import InvalidInput

TRUSTED_PROXIES_ENV = "CUPULA_TRUSTED_PROXIES"


class ProxyError(InvalidInput):
    """A trusted proxy that is not an address or a network."""


def trusted_proxies(values: Iterable[str] | None = None) -> list[str]:
    """The trusted proxies, checked (default: ``CUPULA_TRUSTED_PROXIES``; none when unset)."""
    if values is None:
        values = os.environ.get(TRUSTED_PROXIES_ENV, "").split(",")
    proxies = []
    for value in (v.strip() for v in values):
        if not value:
            continue
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ProxyError(
                f"trusted proxy {value!r} is not an IP address or network "
                f"(such as 10.0.0.5 or 10.0.0.0/24; {TRUSTED_PROXIES_ENV} is comma-separated)"
            ) from None
        proxies.append(str(network) if "/" in value else str(network.network_address))
    return proxies


def install(app: FastAPI, proxies: list[str]) -> None:
    """Believe forwarded headers from ``proxies`` only (none: from nobody)."""
    if proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
