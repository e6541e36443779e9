"""Find the visitor's address behind the proxies the owner trusts, for rate limits and the login lockout.

Every per-address limit (the self-check, the public inquiry form, django-axes) reads ``REMOTE_ADDR``. Behind a
reverse proxy that is the proxy's address, so every visitor would share one bucket and one busy announcement would
lock the public pages for everybody. ``BREACHDESK_TRUSTED_PROXIES`` names the proxies (addresses or networks); for
a request whose peer is one of them, ``ClientAddressMiddleware`` walks ``X-Forwarded-For`` from the right, skips the
trusted hops and puts the first untrusted address in ``REMOTE_ADDR`` (the peer is kept in ``BREACHDESK_PEER_ADDR``).
A request from any other peer keeps its ``REMOTE_ADDR``, whatever its headers say: a client chooses its own
``X-Forwarded-For``, and trusting it would give an attacker a fresh address for every guess.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Sequence[str], *, setting: str = "BREACHDESK_TRUSTED_PROXIES") -> tuple[Network, ...]:
    """Parse addresses and networks (``10.0.0.5``, ``10.0.0.0/8``, ``::1``); raise ``ImproperlyConfigured`` on junk."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{setting}: {value!r} is not an IP address or network.") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(*, peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """Return the visitor's address: ``peer`` unless it is a trusted proxy that forwarded the request."""
    if not trusted or not forwarded_for:
        return peer
    peer_ip = _address(peer)
    if peer_ip is None or not any(peer_ip in net for net in trusted):
        return peer
    for hop in reversed(forwarded_for.split(",")):
        ip = _address(hop)
        if ip is None:
            return peer  # a hop we cannot read: do not guess past it
        if not any(ip in net for net in trusted):
            return str(ip)
    return peer  # every hop is one of our proxies (a health check from inside)


class ClientAddressMiddleware:
    """Put the visitor's address in ``REMOTE_ADDR`` when a trusted proxy forwarded the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = trusted_networks(settings.BREACHDESK_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            peer = request.META.get("REMOTE_ADDR", "")
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            address = client_address(peer=peer, forwarded_for=forwarded, trusted=self.trusted)
            if address != peer:
                request.META["BREACHDESK_PEER_ADDR"] = peer
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
