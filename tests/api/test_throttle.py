"""Failed logins are throttled per user and address, per user across addresses and per
address across users, in bounded memory; forwarded addresses count only from trusted
proxies, also as ``cupula serve`` runs the app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cupula.access.accounts import AccountError
from cupula.access.viewer import Viewer
from cupula.cli.main import app as cli
from cupula.errors import TooManyAttempts
from cupula.http import auth
from cupula.http.proxies import ProxyError, trusted_proxies
from cupula.http.throttle import ADDRESS, PAIR, USER, Limit, LoginThrottle, address_key
from cupula.model.marking import Classification
from tests.api.test_api import db  # noqa: F401  (the fixture)

PASSWORDS = {"ana": "ana-pass-1", "pepe": "pepe-pass-1"}


def refused(throttle: LoginThrottle, host: str, user: str, now: float) -> bool:
    try:
        throttle.check(host, user, now)
    except TooManyAttempts:
        return True
    return False


def test_one_user_from_one_address_waits_a_minute() -> None:
    throttle = LoginThrottle()
    for i in range(PAIR.failures):
        assert not refused(throttle, "10.0.0.1", "ana", float(i))
        throttle.fail("10.0.0.1", "ana", float(i))
    assert refused(throttle, "10.0.0.1", "ana", 5.0)
    assert not refused(throttle, "10.0.0.2", "ana", 5.0)  # the user from elsewhere
    assert not refused(throttle, "10.0.0.1", "pepe", 5.0)  # another user from there
    assert not refused(throttle, "10.0.0.1", "ana", PAIR.window + 1)  # a minute later


def test_one_user_from_many_addresses_is_refused() -> None:
    throttle = LoginThrottle()
    for i in range(USER.failures):
        throttle.fail(f"10.0.{i}.1", "ana", float(i))
    with pytest.raises(TooManyAttempts, match="for this user; try again in 15 minutes"):
        throttle.check("192.0.2.7", "ana", 10.0)
    assert not refused(throttle, "192.0.2.7", "pepe", 10.0)
    assert not refused(throttle, "192.0.2.7", "ana", USER.window + 1)


def test_spraying_many_users_from_one_address_is_refused() -> None:
    throttle = LoginThrottle()
    for i in range(ADDRESS.failures):
        throttle.fail("10.0.0.1", f"user{i}", float(i))
    with pytest.raises(TooManyAttempts, match="from your address"):
        throttle.check("10.0.0.1", "ana", 20.0)  # a user not tried yet, too
    throttle.succeed("10.0.0.1", "user0")  # one right password does not clear the address
    assert refused(throttle, "10.0.0.1", "ana", 21.0)
    assert not refused(throttle, "10.0.0.2", "ana", 21.0)


def test_an_ipv6_host_counts_as_its_slash_64() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("10.0.0.1") == "10.0.0.1" and address_key("testclient") == "testclient"
    throttle = LoginThrottle()
    for i in range(PAIR.failures):
        throttle.fail(f"2001:db8:1:2::{i + 1:x}", "ana", float(i))
    assert refused(throttle, "2001:db8:1:2::ffff", "ana", 6.0)


def test_memory_is_bounded_however_many_names_and_addresses() -> None:
    throttle = LoginThrottle(max_keys=100)
    for i in range(5_000):
        throttle.fail(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", f"name{i}", float(i) / 1000)
    for _ in range(1_000):
        throttle.fail("10.9.9.9", "ana", 6.0)
    tables = (throttle.pair, throttle.user, throttle.address)
    assert all(len(t.failures) <= 100 for t in tables)
    assert all(len(times) <= t.limit.failures for t in tables for times in t.failures.values())
    assert refused(throttle, "10.9.9.9", "ana", 6.0)  # the most recent are kept


def test_a_right_password_clears_the_users_counts() -> None:
    throttle = LoginThrottle(pair=Limit(2, 60.0, "x"))
    throttle.fail("10.0.0.1", "ana", 0.0)
    throttle.succeed("10.0.0.1", "ana")
    throttle.fail("10.0.0.1", "ana", 1.0)
    assert not refused(throttle, "10.0.0.1", "ana", 2.0)


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert trusted_proxies([" 10.0.0.5", "10.1.0.0/16", "", "::1"]) == [
        "10.0.0.5",
        "10.1.0.0/16",
        "::1",
    ]
    with pytest.raises(ProxyError, match=r"'proxy\.local' is not an IP address or network"):
        trusted_proxies(["10.0.0.5", "proxy.local"])
    result = CliRunner().invoke(cli, ["serve", "--trusted-proxies", "10.0.0.5,nonsense"])
    assert result.exit_code == 2 and "'nonsense' is not an IP address" in result.output


@pytest.fixture
def quick_logins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords checked without argon2's half second (the throttle is what is tested)."""

    def login(_store: Any, user: str, password: str) -> Viewer:
        if PASSWORDS.get(user) != password:
            raise AccountError("wrong user name or password")
        return Viewer(user, "CO-DIJIN", "COL", Classification.SECRET)

    monkeypatch.setattr(auth, "login", login)


def as_served(db: str, monkeypatch: pytest.MonkeyPatch, *options: str) -> Any:  # noqa: F811
    """The application exactly as ``cupula serve`` hands it to uvicorn, with uvicorn's own
    wrapping (``Config.load``), but not listening."""
    served: dict[str, Any] = {}

    def run(server: uvicorn.Server, *_args: Any, **_kwargs: Any) -> None:
        served["config"] = server.config  # `cupula serve` runs a Server (graceful shutdown)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    result = CliRunner().invoke(cli, ["--db", db, "serve", *options])
    assert result.exit_code == 0, result.output
    config: uvicorn.Config = served["config"]
    config.load()
    return config.loaded_app


def attempt(client: TestClient, user: str, password: str, forwarded: str) -> int:
    body = {"user": user, "password": password}
    return client.post("/api/login", json=body, headers={"X-Forwarded-For": forwarded}).status_code


@pytest.fixture
def loopback(db: str, monkeypatch: pytest.MonkeyPatch, quick_logins: None) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(as_served(db, monkeypatch), client=("127.0.0.1", 40000)) as client:
        yield client


def test_a_forged_forwarded_address_does_not_escape_the_throttle(loopback: TestClient) -> None:
    codes = [attempt(loopback, "ana", "guess", f"203.0.113.{i}") for i in range(20)]
    assert codes == [401] * PAIR.failures + [429] * (20 - PAIR.failures)
    assert attempt(loopback, "ana", "ana-pass-1", "203.0.113.99") == 429


def test_behind_a_trusted_proxy_each_client_counts_and_so_does_each_user(
    db: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    quick_logins: None,
) -> None:
    served = as_served(db, monkeypatch, "--trusted-proxies", "127.0.0.1")
    with TestClient(served, client=("127.0.0.1", 40000)) as proxy:
        codes = [attempt(proxy, "ana", "guess", f"203.0.113.{i}") for i in range(USER.failures)]
        assert codes == [401] * USER.failures  # ten clients, a few tries each: not refused
        assert attempt(proxy, "ana", "ana-pass-1", "198.51.100.1") == 429  # but the user is
        assert attempt(proxy, "pepe", "pepe-pass-1", "203.0.113.1") == 200
        sprayed = [attempt(proxy, f"user{i}", "Winter2026!", "198.51.100.2") for i in range(20)]
        assert sprayed == [401] * ADDRESS.failures
        assert attempt(proxy, "pepe", "pepe-pass-1", "198.51.100.2") == 429
        assert attempt(proxy, "pepe", "pepe-pass-1", "198.51.100.3") == 200


def test_https_is_believed_from_a_trusted_proxy_only(
    db: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    quick_logins: None,
) -> None:
    body = {"user": "ana", "password": "ana-pass-1"}
    https = {"X-Forwarded-Proto": "https"}
    for options, secure in (((), False), (("--trusted-proxies", "127.0.0.0/8"), True)):
        with TestClient(as_served(db, monkeypatch, *options), client=("127.0.0.1", 1)) as c:
            cookies = c.post("/api/login", json=body, headers=https).headers.get_list("set-cookie")
        assert len(cookies) == 2
        assert all(("; secure" in cookie.lower()) is secure for cookie in cookies), options
