from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cupula.graph.brokerage import ROLES, brokerage, country_groups
from cupula.graph.network import Network


def with_countries(net: Network, countries: list[str | None]) -> Network:
    return replace(net, countries=[(c,) if c else () for c in countries])


def brute_force(n: int, edges: set[tuple[int, int]], groups: list[int]) -> dict[str, list[int]]:
    linked = edges | {(b, a) for a, b in edges}
    out = {role: [0] * n for role in ROLES}
    for j in range(n):
        nbrs = sorted({b for a, b in linked if a == j})
        for i, k in combinations(nbrs, 2):
            if (i, k) in linked or min(groups[i], groups[j], groups[k]) < 0:
                continue
            gi, gj, gk = groups[i], groups[j], groups[k]
            if gi == gj == gk:
                out["coordinator"][j] += 1
            elif gi == gk:
                out["consultant"][j] += 1
            elif gj in (gi, gk):
                out["gatekeeper"][j] += 1
            else:
                out["liaison"][j] += 1
    return out


def test_each_role_on_a_hand_built_network() -> None:
    # 0 (co) - 1 (es) - 2 (co): Spain's 1 serves two Colombians -> consultant
    # 1 (es) - 3 (es) - 4 (ae): 3 is Spain's link out -> gatekeeper
    # 4 (ae) - 5 (us) - 0 (co): liaison for 5
    net = Network.from_edges(6, [0, 1, 1, 3, 4, 5], [1, 2, 3, 4, 5, 0])
    net = with_countries(net, ["co", "es", "co", "es", "ae", "us"])
    result = brokerage(net, country_groups(net)[0])
    assert result.counts["consultant"][1] == 1  # 0-1-2
    assert result.counts["gatekeeper"][1] == 2  # 0-1-3 and 2-1-3
    assert result.counts["gatekeeper"][3] == 1  # 1-3-4
    assert result.counts["liaison"][5] == 1  # 4-5-0
    assert result.across.tolist() == [
        sum(result.counts[r][j] for r in ROLES if r != "coordinator") for j in range(6)
    ]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(3, 9),
    data=st.data(),
)
def test_brokerage_equals_the_definition(n: int, data: st.DataObject) -> None:
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    edges = set(data.draw(st.lists(st.sampled_from(pairs), max_size=len(pairs), unique=True)))
    countries = data.draw(
        st.lists(st.sampled_from(["co", "es", "ae", None]), min_size=n, max_size=n)
    )
    src = [a for a, _ in sorted(edges)]
    dst = [b for _, b in sorted(edges)]
    net = with_countries(Network.from_edges(n, src, dst), countries)
    groups, _ = country_groups(net)
    expected = brute_force(n, edges, groups.tolist())
    result = brokerage(net, groups)
    for role in ROLES:
        assert result.counts[role].tolist() == expected[role], role


def test_large_neighbourhoods_are_sampled_and_scaled() -> None:
    n = 60
    net = with_countries(
        Network.from_edges(n, [0] * (n - 1), list(range(1, n))),
        ["co"] + ["es", "ae"] * ((n - 1) // 2) + ["es"] * ((n - 1) % 2),
    )
    exact = brokerage(net, country_groups(net)[0], cap=1000)
    sampled = brokerage(net, country_groups(net)[0], cap=20)
    assert sampled.sampled[0] and not exact.sampled[0]
    total = (n - 1) * (n - 2) / 2  # a star: every pair of leaves is brokered by the centre
    assert exact.across[0] == total
    assert np.isclose(sampled.across[0], total)
