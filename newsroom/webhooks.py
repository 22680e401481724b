"""Callback URLs (webhooks): which ones dragoman accepts, and how it POSTs to them.

A callback URL names a receiver outside dragoman's own network. ``check_url`` refuses, at submit:

- any scheme but http and https, a URL without a host, credentials (``user:pass@host``), control
  characters (CR, LF, NUL ...), spaces and backslashes;
- a host that is, or resolves to, an address in a private, loopback, link-local, multicast,
  reserved, unspecified, shared (CGNAT) or cloud-metadata range, IPv4 or IPv6: IPv4-mapped,
  NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address inside them, and a host written
  as one number (``2130706433``), in octal (``0177.0.0.1``) or in hex (``0x7f.1``) is the address
  it means. A name with one refused address among several is refused.

unless ``allow_private`` (``DRAGOMAN_CALLBACK_ALLOW_PRIVATE``). A name that does not resolve at
submit is accepted: ``deliver`` resolves it again right before it connects (DNS can change
between the two) and connects only to the addresses it has just checked, so no later answer
can point the POST elsewhere. Names under ``.localhost`` are loopback and names under
``.example`` and ``.invalid`` never exist (RFC 6761): neither is looked up.

``deliver`` POSTs the raw body with ``X-Dragoman-Delivery`` (the delivery id, the same on every
retry: receivers drop what they have seen) and, with a secret, ``X-Dragoman-Signature:
sha256=<hex HMAC-SHA256 of the raw body>``. It follows no redirect and uses no proxy; any answer
but 2xx is a failed attempt.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import re
import socket
import ssl
from urllib.parse import SplitResult, urlsplit

__all__ = ["DeliveryError", "WebhookError", "check_url", "deliver", "literal_address", "refusal", "sign"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA = tuple(ipaddress.ip_network(n) for n in (
    "169.254.169.254/32",   # AWS, GCP, Azure, OpenStack, DigitalOcean ...
    "168.63.129.16/32",     # Azure wire server (a public address)
    "100.100.100.200/32",   # Alibaba Cloud
    "192.0.0.192/32",       # Oracle Cloud
    "fd00:ec2::254/128",    # AWS over IPv6
))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOOPBACK_NAMES = ("localhost",)
NONEXISTENT_NAMES = ("example", "invalid")
MAX_URL = 2000
_NUMBER = re.compile(r"0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
SIGNATURE, DELIVERY = "X-Dragoman-Signature", "X-Dragoman-Delivery"
MAX_ANSWER = 65536


class WebhookError(ValueError):
    """A callback URL dragoman will not call (the message says why)."""


class DeliveryError(Exception):
    """One delivery attempt that did not get a 2xx answer (retried later)."""


# --- the address check (pure) ---------------------------------------------------------------------------
def refusal(address: IPAddress) -> str | None:
    """Why a callback may not go to ``address`` (None: it may)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return refusal(embedded)
    if any(address in network for network in METADATA if network.version == address.version):
        return "a cloud metadata address"
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):  # narrowest first
        if getattr(address, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if address.version == 4:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.sixtofour


def check_addresses(host: str, addresses: list[IPAddress]) -> None:
    """WebhookError unless every address of ``host`` may be called."""
    for address in addresses:
        why = refusal(address)
        if why:
            raise WebhookError(f"must not point at {host} ({address}: {why}); "
                               "DRAGOMAN_CALLBACK_ALLOW_PRIVATE=true allows it")


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells without DNS: an IPv4 or IPv6 literal, or an IPv4 address in the
    forms ``inet_aton`` reads (one to four decimal, octal or hex numbers); None for a name."""
    host = host.strip("[]").rstrip(".").lower()
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host)
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.fullmatch(p) for p in parts):
        return None
    numbers = [int(p[2:] or "0", 16) if p.startswith("0x") else int(p, 8) if p.startswith("0") else int(p)
               for p in parts]
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = sum(n << (8 * (3 - i)) for i, n in enumerate(head)) + last
    return ipaddress.IPv4Address(value)


# --- URLs -------------------------------------------------------------------------------------------------
def parse_url(url: str) -> SplitResult:
    """The parts of a well-formed callback URL, or WebhookError."""
    if len(url) > MAX_URL:
        raise WebhookError(f"is longer than {MAX_URL} characters")
    if _FORBIDDEN_CHARS.search(url):
        raise WebhookError("must not contain control characters, spaces or backslashes")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError as exc:
        raise WebhookError(f"is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise WebhookError("must be an http:// or https:// URL")
    if "@" in parts.netloc:
        raise WebhookError("must not contain credentials (user:password@); sign callbacks with "
                           "DRAGOMAN_CALLBACK_SECRET instead")
    return parts


def resolve(host: str, port: int) -> list[str]:
    """The addresses DNS gives for ``host`` (tests replace this function)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def addresses_of(host: str, port: int) -> list[IPAddress]:
    """The addresses a connection to ``host`` would use: a literal as it is, RFC 6761 names without
    DNS (``localhost`` loopback, ``.example`` and ``.invalid`` none), others resolved now;
    an empty list when the name does not resolve."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    name = host.rstrip(".").lower()
    top = name.rsplit(".", 1)[-1]
    if top in LOOPBACK_NAMES:
        return [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    if top in NONEXISTENT_NAMES:
        return []
    try:
        found = resolve(host, port)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(ipaddress.ip_address(a.split("%")[0]) for a in found))


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme.lower() == "https" else 80)


def check_url(url: str, allow_private: bool = False) -> str:
    """``url`` if dragoman may call it (see the module's docstring), else WebhookError."""
    parts = parse_url(url)
    if not allow_private:
        check_addresses(parts.hostname, addresses_of(parts.hostname, _port(parts)))
    return url


# --- delivery ---------------------------------------------------------------------------------------------
def sign(body: bytes, secret: str) -> str:
    """The value of ``X-Dragoman-Signature`` for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to ``address``, whatever ``host`` resolves to by then (Host: is ``host``)."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As ``_PinnedHTTP``, with TLS: the certificate is checked against ``host`` (SNI too)."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def deliver(url: str, body: bytes, delivery_id: str, *, secret: str = "", timeout: float = 10.0,
            allow_private: bool = False) -> int:
    """POST ``body`` to ``url``; the status of a 2xx answer, else DeliveryError. The host is resolved
    and checked now, and the connection made to the checked addresses only."""
    try:
        parts = parse_url(url)
        addresses = addresses_of(parts.hostname, _port(parts))
        if not allow_private:
            check_addresses(parts.hostname, addresses)
    except WebhookError as exc:
        raise DeliveryError(f"refused: callback_url {exc}") from exc
    if not addresses:
        raise DeliveryError(f"cannot resolve {parts.hostname}")
    headers = {"Content-Type": "application/json", "User-Agent": "dragoman-callback/1", DELIVERY: delivery_id}
    if secret:
        headers[SIGNATURE] = sign(body, secret)
    failure: Exception | None = None
    for address in addresses:
        try:
            return _post(parts, address, body, headers, timeout)
        except OSError as exc:  # refused, unreachable, timed out: the next address, then a later attempt
            failure = exc
    raise DeliveryError(f"{failure.__class__.__name__}: {failure}")


def _post(parts: SplitResult, address: IPAddress, body: bytes, headers: dict[str, str], timeout: float) -> int:
    kind = _PinnedHTTPS if parts.scheme.lower() == "https" else _PinnedHTTP
    connection = kind(parts.hostname, _port(parts), address, timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body, headers)
        answer = connection.getresponse()
        answer.read(MAX_ANSWER)
    except http.client.HTTPException as exc:
        raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from exc
    finally:
        connection.close()
    if not 200 <= answer.status < 300:
        raise DeliveryError(f"HTTP {answer.status} {answer.reason}".strip())
    return answer.status
