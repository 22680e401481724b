"""Callback URLs and their delivery (``newsroom.webhooks``): the address check as a pure function,
URL refusals, loopback spellings, DNS answers at submit and again at send time, the signature.

No test resolves a name: ``webhooks.resolve`` is replaced by a fake for every test (one that
fails the test if it is called, unless the test gives its own), and the only connections made go
to receivers of the tests' own on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import ipaddress
import threading
import typing

import pytest

from common.settings import Settings
from newsroom import webhooks
from newsroom.requests import INVALID, RequestError, prepare

pytestmark = pytest.mark.unit

EN = "The government announced new measures on Tuesday to support farmers in the north."


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """The addresses named here (private, link-local, metadata, public) are only ever classified: any
    connection a test makes goes to a receiver of its own on loopback, and one to anywhere else fails."""
    post = webhooks._post

    def guarded(parts, address, *rest):
        assert address.is_loopback, f"a test tried to connect to {address}"
        return post(parts, address, *rest)

    monkeypatch.setattr(webhooks, "_post", guarded)


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Every name lookup goes through here: a test that needs one says what it answers."""
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise AssertionError(f"a test tried to resolve {host!r}")
        return answers[host]

    monkeypatch.setattr(webhooks, "resolve", resolve)
    return answers


# --- the pure check -------------------------------------------------------------------------------------------
REFUSED = {
    "127.0.0.1": "loopback", "127.8.9.10": "loopback", "::1": "loopback",
    "10.1.2.3": "private", "172.16.0.1": "private", "192.168.1.1": "private", "fd12::1": "private",
    "169.254.169.254": "metadata", "169.254.10.10": "link-local", "fe80::1": "link-local",
    "fd00:ec2::254": "metadata", "100.100.100.200": "metadata", "168.63.129.16": "metadata",
    "224.0.0.1": "multicast", "ff02::1": "multicast", "240.0.0.1": "reserved", "255.255.255.255": "",
    "0.0.0.0": "unspecified", "::": "unspecified", "100.64.0.1": "public", "192.0.2.10": "",
    "::ffff:127.0.0.1": "loopback", "::ffff:169.254.169.254": "metadata", "::ffff:10.0.0.1": "private",
    "64:ff9b::7f00:1": "loopback", "2002:7f00:1::": "loopback", "2002:a9fe:a9fe::": "metadata",
}
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]


@pytest.mark.parametrize(("address", "why"), REFUSED.items())
def test_refused_addresses(address, why):
    reason = webhooks.refusal(ipaddress.ip_address(address))
    assert reason and why in reason


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert webhooks.refusal(ipaddress.ip_address(address)) is None


def test_one_refused_address_among_several_refuses_the_host():
    public, metadata = ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("169.254.169.254")
    webhooks.check_addresses("cms.news", [public])
    with pytest.raises(webhooks.WebhookError, match="metadata"):
        webhooks.check_addresses("cms.news", [public, metadata])


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "017700000001", "0177.0.0.1", "0x7f.1", "127.1",
                                  "127.0.0.1.", "[::ffff:127.0.0.1]", "0x7F.0.0.0x1"])
def test_every_spelling_of_loopback_is_read_as_loopback(host):
    assert webhooks.refusal(webhooks.literal_address(host)) == "a loopback address"


@pytest.mark.parametrize("host", ["cms.news", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "4294967296", "0x1g", "a1"])
def test_names_and_impossible_numbers_are_not_literals(host):
    assert webhooks.literal_address(host) is None


# --- URLs -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "words"), [
    ("http://user:pass@cms.news/hook", "credentials"),
    ("http://token@cms.news/hook", "credentials"),
    ("http://cms.news/\r\nX-Injected: 1", "control characters"),
    ("http://cms.news/\x00", "control characters"),
    ("http://cms.news/a b", "spaces"),
    ("http://cms.news\\@evil/", "backslashes"),
    ("ftp://cms.news/", "http"),
    ("http:///hook", "http"),
    ("http://cms.news:99999/", "not a valid URL"),
    ("https://cms.news/" + "a" * 2000, "longer than"),
])
def test_url_refusals(url, words):
    with pytest.raises(webhooks.WebhookError, match=words):
        webhooks.parse_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://api.localhost/",
                                 "http://2130706433/", "http://[::ffff:127.0.0.1]:9/", "http://0x7f.1/",
                                 "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
                                 "http://0/", "http://10.0.0.1/"])
def test_loopback_and_private_forms_are_refused_without_dns(url):
    with pytest.raises(webhooks.WebhookError, match="DRAGOMAN_CALLBACK_ALLOW_PRIVATE"):
        webhooks.check_url(url)
    assert webhooks.check_url(url, allow_private=True) == url


def test_names_are_judged_by_what_they_resolve_to(no_dns):
    no_dns.update({"metadata.evil": ["169.254.169.254"], "split.evil": ["93.184.216.34", "10.0.0.7"],
                   "cms.news": ["93.184.216.34", "2606:4700:4700::1111"], "v6.evil": ["fe80::1%2"]})
    assert webhooks.check_url("https://cms.news/hook") == "https://cms.news/hook"
    for name, why in (("metadata.evil", "metadata"), ("split.evil", "private"), ("v6.evil", "link-local")):
        with pytest.raises(webhooks.WebhookError, match=why):
            webhooks.check_url(f"https://{name}/hook")


def test_a_name_that_does_not_resolve_is_left_to_the_send_time_check(no_dns, monkeypatch):
    def gone(host, port):
        raise OSError("Name or service not known")

    monkeypatch.setattr(webhooks, "resolve", gone)
    assert webhooks.check_url("https://cms.news/hook")
    assert webhooks.addresses_of("cms.example", 443) == [] and webhooks.addresses_of("x.invalid", 80) == []


# --- at submit (newsroom.requests) ------------------------------------------------------------------------------
@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/r.db")


@pytest.mark.parametrize(("url", "words"), [
    ("http://169.254.169.254/latest/meta-data/iam/", "metadata"),
    ("http://2130706433:8000/hook", "loopback"),
    ("http://user:secret@cms.example/hook", "credentials"),
    ("http://[fd00:ec2::254]/", "metadata"),
])
def test_submissions_refuse_such_callbacks(settings, url, words):
    with pytest.raises(RequestError) as caught:
        prepare({"text": EN, "source": "en", "targets": "tr", "callback_url": url}, settings)
    assert caught.value.kind == INVALID and caught.value.status == 422
    assert "callback_url" in caught.value.message and words in caught.value.message


def test_a_newsroom_may_allow_its_own_network(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/r.db", callback_allow_private=True)
    url = "http://10.0.0.5:8080/dragoman"
    assert prepare({"text": EN, "source": "en", "targets": "tr", "callback_url": url}, settings).callback_url == url


# --- delivery ---------------------------------------------------------------------------------------------------
class Receiver:
    """An HTTP receiver on 127.0.0.1 that records what it is sent and answers ``status``."""

    def __init__(self, status: int = 204):
        self.requests: list[dict] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                """Quiet."""

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> typing.Iterator[Receiver]:
    one = Receiver()
    yield one
    one.close()


def verify(body: bytes, header: str, secret: str) -> bool:
    """The receiver's side, as the README shows it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_delivery_is_pinned_to_the_checked_address_and_signed(no_dns, receiver):
    no_dns["cms.test"] = ["127.0.0.1"]
    body = b'{"job_id":"j1","state":"draft_ready"}'
    status = webhooks.deliver(f"http://cms.test:{receiver.port}/hook?x=1", body, "d1", secret="s3",
                              allow_private=True)
    assert status == 204
    (request,) = receiver.requests
    assert request["path"] == "/hook?x=1" and request["body"] == body
    assert request["headers"]["Host"] == f"cms.test:{receiver.port}"   # the name, while the socket went to 127.0.0.1
    assert request["headers"]["X-Dragoman-Delivery"] == "d1"
    assert verify(body, request["headers"]["X-Dragoman-Signature"], "s3")
    assert not verify(body + b" ", request["headers"]["X-Dragoman-Signature"], "s3")


def test_an_unsigned_delivery_has_no_signature_header(receiver):
    webhooks.deliver(f"http://127.0.0.1:{receiver.port}/", b"{}", "d2", allow_private=True)
    assert "X-Dragoman-Signature" not in receiver.requests[0]["headers"]


def test_dns_changing_after_submit_is_caught_before_connecting(no_dns, monkeypatch):
    no_dns["cms.news"] = ["93.184.216.34"]
    assert webhooks.check_url("https://cms.news/hook")                 # at submit: a public address
    no_dns["cms.news"] = ["169.254.169.254"]                           # rebound since
    monkeypatch.setattr(webhooks, "_post", lambda *a: pytest.fail("connected to a refused address"))
    with pytest.raises(webhooks.DeliveryError, match=r"refused.*metadata"):
        webhooks.deliver("https://cms.news/hook", b"{}", "d3")


def test_loopback_receivers_are_refused_at_send_time_unless_allowed(monkeypatch):
    monkeypatch.setattr(webhooks, "_post", lambda *a: pytest.fail("connected to a refused address"))
    for url in ("http://127.0.0.1:9/", "http://localhost:9/", "http://2130706433:9/", "http://[::ffff:127.0.0.1]:9/"):
        with pytest.raises(webhooks.DeliveryError, match="refused"):
            webhooks.deliver(url, b"{}", "d4")


def test_failures_are_delivery_errors(receiver, no_dns):
    failing = Receiver(500)
    try:
        with pytest.raises(webhooks.DeliveryError, match="HTTP 500"):
            webhooks.deliver(f"http://127.0.0.1:{failing.port}/", b"{}", "d5", allow_private=True)
    finally:
        failing.close()
    receiver.close()  # nothing listens there any more
    with pytest.raises(webhooks.DeliveryError, match="Refused"):
        webhooks.deliver(f"http://127.0.0.1:{receiver.port}/", b"{}", "d6", allow_private=True, timeout=2)
    with pytest.raises(webhooks.DeliveryError, match="cannot resolve"):
        webhooks.deliver("http://cms.example/", b"{}", "d7")
