"""Locust users for ``bench/web_load.py``: analysts of the demo's partner agencies, each
logged in with its own session, opening entity pages, searching names and expanding the
network two hops out. What each may open is listed by the driver from its own view
(``CUPULA_BENCH_PLAN``), so no request is a 404 by construction."""

from __future__ import annotations

import itertools
import json
import os
import random

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment

with open(os.environ["CUPULA_BENCH_PLAN"], encoding="utf-8") as fh:
    PLAN = json.load(fh)
USERS = itertools.cycle(sorted(PLAN))
THINK = float(os.environ.get("CUPULA_BENCH_THINK", "1.0"))  # mean seconds between clicks
WARMUP = float(os.environ.get("CUPULA_BENCH_WARMUP", "15"))


@events.test_start.add_listener
def forget_warmup(environment: Environment, **_: object) -> None:
    """Logins (argon2id, deliberately slow) and each agency's first build of its network
    and name index happen in the warm-up; the figures are of the minutes after it."""
    gevent.spawn_later(WARMUP, environment.stats.reset_all)


class Analyst(HttpUser):
    wait_time = between(THINK / 2, THINK * 1.5) if THINK > 0 else between(0, 0)

    def on_start(self) -> None:
        self.name = next(USERS)
        plan = PLAN[self.name]
        self.entities, self.names, self.hubs = plan["entities"], plan["names"], plan["hubs"]
        login = {"user": self.name, "password": plan["password"]}
        for _ in range(10):  # a burst of logins is checked a few at a time: 429, come back
            reply = self.client.post("/api/login", json=login, name="login")
            if reply.status_code != 429:
                break
            gevent.sleep(1)
        reply.raise_for_status()

    @task(2)
    def entity_page(self) -> None:
        self.client.get(f"/entity/{random.choice(self.entities)}?purpose=bench", name="entity page")

    @task(2)
    def search(self) -> None:
        self.client.get("/api/search", params={"q": random.choice(self.names), "purpose": "bench"},
                        name="search")  # fmt: skip

    @task(1)
    def expand(self) -> None:
        self.client.get("/api/graph", params={"entity": random.choice(self.hubs), "hops": 2,
                        "purpose": "bench"}, name="two-hop expansion")  # fmt: skip
