"""Failed logins, counted three ways, each in its own sliding window:

- one user from one address (``PAIR``): a typist who forgot a password waits a minute;
- one user from any address (``USER``): guessing one password from many addresses;
- one address for any users (``ADDRESS``): trying a few passwords on many users
  (password spraying).

Any of them over its limit refuses further logins (429) until its window has moved on,
with the right password too. Names are counted whether or not such a user exists, so a
refusal tells nothing about who exists. IPv6 addresses count per /64 (one host usually
holds a whole /64). Memory is bounded: each table keeps at most ``MAX_KEYS`` keys (the
least recently failed go first) and each key at most its limit's number of times.
"""

from __future__ import annotations

import ipaddress
import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass

from cupula.errors import TooManyAttempts

MAX_KEYS = 10_000


@dataclass(frozen=True)
class Limit:
    failures: int  # this many failures within ``window`` seconds, and the next is refused
    window: float
    what: str  # who is refused, in the message


PAIR = Limit(5, 60.0, "for this user from your address")
USER = Limit(10, 900.0, "for this user")
ADDRESS = Limit(20, 900.0, "from your address")


class FailureWindow:
    """The times of the last failures per key, for at most ``max_keys`` keys."""

    def __init__(self, limit: Limit, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.max_keys = max_keys
        self.failures: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        recent = self.failures.get(key)
        if recent is None:
            return 0.0
        while recent and recent[0] <= now - self.limit.window:
            recent.popleft()
        if not recent:
            del self.failures[key]
            return 0.0
        if len(recent) < self.limit.failures:
            return 0.0
        return recent[0] + self.limit.window - now

    def fail(self, key: str, now: float) -> None:
        recent = self.failures.get(key)
        if recent is None:
            recent = self.failures[key] = deque(maxlen=self.limit.failures)
            while len(self.failures) > self.max_keys:
                self.failures.popitem(last=False)
        self.failures.move_to_end(key)
        recent.append(now)

    def forget(self, key: str) -> None:
        self.failures.pop(key, None)


def address_key(host: str) -> str:
    """The address a failure counts against: the IP, an IPv6 address's /64."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginThrottle:
    """Failed logins per user and address, per user and per address (thread-safe: the
    server answers logins on several threads)."""

    def __init__(
        self, pair: Limit = PAIR, user: Limit = USER, address: Limit = ADDRESS,
        max_keys: int = MAX_KEYS,
    ) -> None:  # fmt: skip
        self.pair = FailureWindow(pair, max_keys)
        self.user = FailureWindow(user, max_keys)
        self.address = FailureWindow(address, max_keys)
        self.lock = threading.Lock()

    def _keys(self, host: str, user: str) -> list[tuple[FailureWindow, str]]:
        address = address_key(host)
        return [(self.pair, f"{address} {user}"), (self.user, user), (self.address, address)]

    def check(self, host: str, user: str, now: float) -> None:
        """Refuse (TooManyAttempts) when any of the three counts is at its limit."""
        with self.lock:
            for window, key in self._keys(host, user):
                wait = window.wait(key, now)
                if wait > 0:
                    minutes = max(1, math.ceil(wait / 60))
                    raise TooManyAttempts(
                        f"too many failed logins {window.limit.what}; try again in "
                        f"{minutes} minute{'s' if minutes > 1 else ''}"
                    )

    def fail(self, host: str, user: str, now: float) -> None:
        with self.lock:
            for window, key in self._keys(host, user):
                window.fail(key, now)

    def succeed(self, host: str, user: str) -> None:
        """A right password clears the user's counts (not the address's: one account's
        password must not let an address go on spraying the others)."""
        with self.lock:
            for window, key in self._keys(host, user)[:2]:
                window.forget(key)
